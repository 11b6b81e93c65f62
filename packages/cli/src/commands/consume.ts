/**
 * `samsa consume <topic...>`: prints records as the console consumer and kcat do. Without --group it reads the
 * partitions directly (assign) from --offset; with --group it joins the group and commits what it printed, plus the
 * position of every partition it holds (as Java's consumer commits), so `groups describe` shows the lag left.
 * It follows the topics until Ctrl-C, or stops at --count records or, with --exit, at the end of every partition.
 */
import { randomBytes } from 'node:crypto';
import { type CliCommand, type CliIo, ExitCode, integer, Option, UsageError } from '@samsa/cli-kit';
import type { Consumer, IsolationLevel, KafkaMessage, TopicDescription } from '@samsa/core-client';
import { DisplayDecoder } from '@samsa/schema-registry';
import { type Clients, withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';
import { type PrintMode, RecordPrinter } from '../consume/printer.js';
import { type OffsetSpec, parseOffsetSpec, startOffsets } from '../consume/start-offsets.js';
import { unescapeSeparator } from '../produce/input.js';
import { plural } from './topics.js';

/** How often to look whether every partition reached its end (--exit). */
const END_CHECK_MS = 100;

interface ConsumeFlags extends ConnectionFlags {
  group?: string;
  fromBeginning?: boolean;
  offset?: string;
  partition?: number[];
  count?: number;
  exit?: boolean;
  follow?: boolean;
  isolation: IsolationLevel;
  printKey?: boolean;
  keySeparator?: string;
  json?: boolean;
  format?: string;
  quiet?: boolean;
}

export function addConsumeCommand(program: CliCommand, io: CliIo): void {
  addConnectionOptions(
    program
      .command('consume')
      .description('Print the records of topics (Avro decoded through the registry)')
      .argument('<topics...>', 'the topics')
      .option('-g, --group <group>', 'consume in this group and commit what was printed')
      .option(
        '--from-beginning',
        'start at the earliest offset (in a group: where it has no committed offset)',
      )
      .option(
        '--offset <offset>',
        'without --group: earliest, latest, an offset, -N (N before the end), @time',
      )
      .option(
        '-p, --partition <n>',
        'only this partition (repeatable; not with --group)',
        (value, previous: number[] | undefined) => [...(previous ?? []), integer({ min: 0 })(value)],
      )
      .option('-c, --count <n>', 'stop after n records', integer({ min: 1 }))
      .option('-e, --exit', 'stop at the end of every partition')
      .option('--follow', 'keep waiting for new records (the default)')
      .addOption(
        new Option('--isolation <level>', 'read_committed hides aborted transactions')
          .choices(['read_uncommitted', 'read_committed'])
          .default('read_uncommitted'),
      )
      .option('--print-key', 'print key<separator>value')
      .option('-K, --key-separator <separator>', 'between key and value with --print-key (default: a tab)')
      .option('--json', 'print JSON lines: topic, partition, offset, timestamp, key, value, headers')
      .option(
        '-f, --format <format>',
        "kcat's -f format: %t %p %o %k %K %s %S %T %h, e.g. '%t [%p] @%o: %k %s\\n'",
      )
      .option('-q, --quiet', 'no summary at the end'),
  ).action((topics: string[], flags: ConsumeFlags) =>
    withClients(flags, io, (clients) => consume(topics, flags, clients, io)),
  );
}

function printMode(flags: ConsumeFlags): PrintMode {
  const chosen = [
    flags.json && '--json',
    flags.format !== undefined && '--format',
    flags.printKey && '--print-key',
  ].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`use one of ${chosen.join(', ')}`);
  if (flags.keySeparator !== undefined && !flags.printKey)
    throw new UsageError('--key-separator goes with --print-key');
  if (flags.json) return { kind: 'json' };
  if (flags.format !== undefined) return { kind: 'kcat', format: flags.format };
  if (flags.printKey) return { kind: 'key-value', separator: unescapeSeparator(flags.keySeparator ?? '\t') };
  return { kind: 'value' };
}

async function consume(topics: string[], flags: ConsumeFlags, clients: Clients, io: CliIo): Promise<number> {
  const mode = printMode(flags);
  if (flags.exit && flags.follow) throw new UsageError('use either --exit or --follow');
  let spec: OffsetSpec | undefined;
  if (flags.offset !== undefined) {
    if (flags.group !== undefined) {
      throw new UsageError(
        '--offset does not go with --group; move the group with `samsa groups reset-offsets`',
      );
    }
    if (flags.fromBeginning) throw new UsageError('use either --offset or --from-beginning');
    spec = parseOffsetSpec(flags.offset);
  }
  if (flags.group !== undefined && flags.partition) {
    throw new UsageError('--partition does not go with --group: the group assigns partitions');
  }
  const printer = new RecordPrinter(
    mode,
    new DisplayDecoder({ registry: clients.registryIfConfigured() }),
    io.stderr,
  );

  const admin = await clients.admin();
  const described = await admin.describeTopics({ topics, signal: clients.signal() });
  const ends = new Map<string, bigint>();
  for (const topic of described) {
    for (const p of topic.partitions) ends.set(`${topic.name}:${p.partition}`, BigInt(p.endOffset));
  }

  const consumer: Consumer = clients.kafka.consumer({
    groupId: flags.group ?? `samsa-cli-${randomBytes(6).toString('hex')}`,
    isolationLevel: flags.isolation,
    autoOffsetReset: flags.fromBeginning ? 'earliest' : 'latest',
    allowAutoTopicCreation: false,
  });
  if (flags.group !== undefined) {
    await consumer.subscribe({ topics, fromBeginning: flags.fromBeginning === true });
  } else {
    await assignPartitions(consumer, admin, described, flags, spec, clients);
  }

  const printedNext = new Map<string, bigint>();
  let printed = 0;
  const iterator = consumer.messages();
  let finishing: Promise<void> | undefined;
  const finish = () => {
    finishing ??= (async () => {
      if (flags.group !== undefined) await commitPositions(consumer, printedNext);
      await iterator.return?.();
    })();
    return finishing;
  };
  const endCheck = flags.exit
    ? setInterval(() => {
        if (caughtUp(consumer, ends)) void finish();
      }, END_CHECK_MS)
    : undefined;
  void io.waitForStop?.().then(finish);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const message: KafkaMessage = next.value;
      io.stdout(await printer.format(message));
      printedNext.set(`${message.topic}:${message.partition}`, BigInt(message.offset) + 1n);
      printed++;
      if (flags.count !== undefined && printed >= flags.count) break;
    }
    await finish();
  } finally {
    clearInterval(endCheck);
    await consumer.disconnect();
  }
  if (!flags.quiet) io.stderr(`Consumed ${plural(printed, 'record')}\n`);
  return ExitCode.Ok;
}

async function assignPartitions(
  consumer: Consumer,
  admin: Awaited<ReturnType<Clients['admin']>>,
  described: TopicDescription[],
  flags: ConsumeFlags,
  spec: OffsetSpec | undefined,
  clients: Clients,
): Promise<void> {
  const assignment: { topic: string; partitions: number[] }[] = [];
  for (const topic of described) {
    const existing = topic.partitions.map((p) => p.partition);
    const partitions = flags.partition ?? existing;
    const missing = partitions.find((p) => !existing.includes(p));
    if (missing !== undefined) {
      throw new UsageError(`topic ${topic.name} has no partition ${missing} (it has ${existing.length})`);
    }
    assignment.push({ topic: topic.name, partitions });
    if (spec) {
      const offsets = await startOffsets(admin, topic, partitions, spec, clients.signal());
      for (const [partition, offset] of offsets) consumer.seek({ topic: topic.name, partition, offset });
    }
  }
  consumer.assign(assignment);
}

/** Whether every partition held has reached the end it had when consuming started. */
function caughtUp(consumer: Consumer, ends: Map<string, bigint>): boolean {
  const held = consumer.assignment();
  if (held.length === 0) return false;
  for (const { topic, partitions } of held) {
    for (const partition of partitions) {
      const position = consumer.position({ topic, partition });
      const end = ends.get(`${topic}:${partition}`);
      if (position === null || (end !== undefined && BigInt(position) < end)) return false;
    }
  }
  return true;
}

/**
 * Commits, for every partition held, one past the last record printed, or the partition's position when nothing
 * was printed from it (Java's consumer commits every position, so lag counts from there).
 */
async function commitPositions(consumer: Consumer, printedNext: Map<string, bigint>): Promise<void> {
  const offsets: { topic: string; partition: number; offset: string }[] = [];
  for (const { topic, partitions } of consumer.assignment()) {
    for (const partition of partitions) {
      const position = consumer.position({ topic, partition });
      const printed = printedNext.get(`${topic}:${partition}`);
      const at = position === null ? undefined : BigInt(position);
      const next = printed === undefined ? at : at === undefined || printed > at ? printed : at;
      if (next !== undefined) offsets.push({ topic, partition, offset: next.toString() });
    }
  }
  if (offsets.length > 0) await consumer.commitOffsets(offsets);
}
