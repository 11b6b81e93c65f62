/**
 * Child process of the chaos suite: a dev broker cluster (several nodes in one process) on a data dir
 * and fixed ports, so the suite can kill it with SIGKILL and start it again on the same data and
 * ports. Its fault injection (`broker.control`) is driven over stdin, one JSON command a line
 * (`{ "id": 1, "op": "dropConnections", "args": [] }`), answered on stdout with one JSON line
 * (`{ "id": 1, "ok": true, "result": 3 }`). When stdin closes (the suite is gone) the broker stops.
 *
 * argv: <first port> <brokers> <data dir>
 * Prints `READY <bootstrap>` once every node accepts connections.
 */
import { createInterface } from 'node:readline';
import { type BrokerControl, startBroker } from '@samsa/broker-dev';

/** The control methods the suite may call; anything else is refused. */
const OPERATIONS = new Set<keyof BrokerControl>([
  'failNextRequests',
  'dropConnectionOnNext',
  'dropResponseOnNext',
  'dropConnections',
  'clearFaults',
  'movePartitionLeader',
  'moveCoordinator',
  'leaderOf',
  'coordinatorOf',
]);

const [port, brokers, dataDir] = process.argv.slice(2);
const broker = await startBroker({
  port: Number(port),
  brokers: Number(brokers),
  dataDir,
  autoCreateTopics: false,
  groupMinSessionTimeoutMs: 500,
  groupInitialRebalanceDelayMs: 0,
  // Transactions of a killed worker that nobody fences are aborted soon after their timeout.
  transactionTimeoutCheckIntervalMs: 500,
  logger: process.env.SAMSA_CHAOS_BROKER_LOG === '1' ? 'info' : false,
});
console.log(`READY ${broker.bootstrap.join(',')}`);

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let id: unknown = null;
  try {
    const command = JSON.parse(line) as { id: unknown; op: keyof BrokerControl; args: unknown[] };
    id = command.id;
    if (!OPERATIONS.has(command.op)) throw new Error(`unknown control operation '${command.op}'`);
    const method = broker.control[command.op] as (...args: unknown[]) => unknown;
    const result = await method.apply(broker.control, command.args);
    console.log(JSON.stringify({ id, ok: true, result: result ?? null }));
  } catch (err) {
    console.log(JSON.stringify({ id, ok: false, error: (err as Error).message }));
  }
});
lines.on('close', async () => {
  await broker.stop();
  process.exit(0);
});
