/** `samsa cluster describe`: the brokers, the controller and the cluster id. */
import {
  type CliCommand,
  type CliIo,
  formatTable,
  type OutputFormat,
  outputOption,
  printJson,
  styleFor,
} from '@samsa/cli-kit';
import { withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';

export function addClusterCommands(program: CliCommand, io: CliIo): void {
  const cluster = program.command('cluster').description('The cluster: brokers, controller, id');
  addConnectionOptions(
    cluster
      .command('describe')
      .description('Show the brokers, the controller and the cluster id')
      .addOption(outputOption()),
  ).action((flags: ConnectionFlags & { output: OutputFormat }) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const cluster = await admin.describeCluster({ signal: clients.signal() });
      const brokers = [...cluster.brokers].sort((a, b) => a.nodeId - b.nodeId);
      if (flags.output === 'json') {
        printJson(io, { ...cluster, brokers });
        return;
      }
      const style = styleFor(io);
      io.stdout(`${style.bold('Cluster ID:')} ${cluster.clusterId || '-'}\n`);
      io.stdout(`${style.bold('Controller:')} ${cluster.controller ?? '-'}\n\n`);
      io.stdout(
        formatTable(
          ['BROKER', 'HOST', 'PORT', 'RACK', 'CONTROLLER'],
          brokers.map((b) => [
            b.nodeId,
            b.host,
            b.port,
            b.rack,
            b.nodeId === cluster.controller ? 'yes' : '',
          ]),
          style,
        ),
      );
    }),
  );
}
