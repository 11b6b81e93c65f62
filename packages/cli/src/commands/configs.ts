/** `samsa configs describe | alter` for topics and brokers, as kafka-configs does them. */
import {
  Argument,
  type CliCommand,
  type CliIo,
  formatTable,
  keyValue,
  type OutputFormat,
  outputOption,
  printJson,
  repeatable,
  styleFor,
  UsageError,
} from '@samsa/cli-kit';
import { ConfigResourceTypes, configSourceName } from '@samsa/core-client';
import { withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';

const ENTITY_TYPES = ['topic', 'broker'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

function entityArgument(): Argument {
  return new Argument('<type>', 'topic or broker').choices(ENTITY_TYPES);
}

/** A broker is named by its node id; the empty name is the cluster-wide broker defaults. */
function resource(type: EntityType, name: string): { type: number; name: string } {
  if (type === 'broker' && !/^\d*$/.test(name)) {
    throw new UsageError(`a broker is named by its node id (e.g. 1), not "${name}"`);
  }
  return { type: type === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER, name };
}

export function addConfigsCommands(program: CliCommand, io: CliIo): void {
  const configs = program.command('configs').description('Describe and alter topic and broker configs');

  addConnectionOptions(
    configs
      .command('describe')
      .description('Show the configs of a topic or broker that differ from defaults (--all: every one)')
      .addArgument(entityArgument())
      .argument('<name>', 'the topic, or the broker id')
      .option('--all', 'show every config, defaults too')
      .addOption(outputOption()),
  ).action(
    (type: EntityType, name: string, flags: ConnectionFlags & { all?: boolean; output: OutputFormat }) =>
      withClients(flags, io, async (clients) => {
        const admin = await clients.admin();
        if (type === 'topic') await admin.describeTopics({ topics: [name], signal: clients.signal() });
        const { resources } = await admin.describeConfigs({
          resources: [resource(type, name)],
          signal: clients.signal(),
        });
        const entries = resources
          .flatMap((r) => r.configEntries)
          .filter((c) => flags.all || !c.isDefault)
          .map((c) => ({
            name: c.configName,
            value: c.configValue,
            source: configSourceName(c.configSource),
            isDefault: c.isDefault,
            isSensitive: c.isSensitive,
            readOnly: c.readOnly,
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
        if (flags.output === 'json') return printJson(io, entries);
        const style = styleFor(io);
        io.stdout(
          formatTable(
            ['NAME', 'VALUE', 'SOURCE', 'READ-ONLY'],
            entries.map((c) => [
              c.name,
              c.isSensitive ? style.dim('(sensitive)') : (c.value ?? ''),
              c.isDefault ? style.dim(c.source) : c.source,
              c.readOnly ? 'yes' : '',
            ]),
            style,
          ),
        );
      }),
  );

  addConnectionOptions(
    configs
      .command('alter')
      .description('Set configs of a topic or broker, or return them to their defaults')
      .addArgument(entityArgument())
      .argument('<name>', 'the topic, or the broker id')
      .option('--config <key=value>', 'set a config (repeatable)', keyValue)
      .option('--delete-config <key>', 'return a config to its default (repeatable)', repeatable)
      .option('--dry-run', 'let the brokers validate the change without making it'),
    { ownConfig: true },
  ).action(
    (
      type: EntityType,
      name: string,
      flags: ConnectionFlags & { config?: [string, string][]; deleteConfig?: string[]; dryRun?: boolean },
    ) =>
      withClients(flags, io, async (clients) => {
        const changes = [
          ...(flags.config ?? []).map(([key, value]) => ({ name: key, value, operation: 'SET' as const })),
          ...(flags.deleteConfig ?? []).map((key) => ({ name: key, operation: 'DELETE' as const })),
        ];
        if (changes.length === 0) throw new UsageError('nothing to alter: give --config or --delete-config');
        const admin = await clients.admin();
        if (type === 'topic') await admin.describeTopics({ topics: [name], signal: clients.signal() });
        await admin.incrementalAlterConfigs({
          resources: [{ ...resource(type, name), configEntries: changes }],
          validateOnly: flags.dryRun,
          signal: clients.signal(),
        });
        const what = type === 'topic' ? `Topic ${name}` : name === '' ? 'Broker defaults' : `Broker ${name}`;
        for (const change of changes) {
          const done =
            change.operation === 'SET'
              ? `${change.name}=${change.value}`
              : `${change.name} back to its default`;
          io.stdout(`${what}: ${done}${flags.dryRun ? ' (dry run: valid, not applied)' : ''}\n`);
        }
      }),
  );
}
