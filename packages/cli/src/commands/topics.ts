/** `samsa topics list | describe | create | delete | alter`, as kafka-topics does them. */
import {
  type CliCommand,
  CliError,
  type CliIo,
  formatTable,
  integer,
  keyValue,
  type OutputFormat,
  outputOption,
  printJson,
  repeatable,
  styleFor,
  UsageError,
} from '@samsa/cli-kit';
import { ConfigResourceTypes, type TopicDescription } from '@samsa/core-client';
import { withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';

type Output = { output: OutputFormat };

export function addTopicsCommands(program: CliCommand, io: CliIo): void {
  const topics = program.command('topics').description('List, describe, create, delete and alter topics');

  addConnectionOptions(
    topics
      .command('list')
      .description('List topics with their partition and replica counts')
      .option('--internal', 'include internal topics (__consumer_offsets, ...)')
      .addOption(outputOption()),
  ).action((flags: ConnectionFlags & Output & { internal?: boolean }) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const { topics: all } = await admin.fetchTopicMetadata({ signal: clients.signal() });
      const rows = all
        .filter((t) => flags.internal || !t.isInternal)
        .map((t) => ({
          name: t.name,
          partitions: t.partitions.length,
          replicas: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
          internal: t.isInternal,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      if (flags.output === 'json') return printJson(io, rows);
      io.stdout(
        formatTable(
          ['TOPIC', 'PARTITIONS', 'REPLICAS'],
          rows.map((t) => [t.name, t.partitions, t.replicas]),
          styleFor(io),
        ),
      );
    }),
  );

  addConnectionOptions(
    topics
      .command('describe')
      .description('Show partitions (leader, replicas, ISR, offsets) and configs that differ from defaults')
      .argument('<topics...>', 'the topics')
      .addOption(outputOption()),
  ).action((names: string[], flags: ConnectionFlags & Output) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const described = await admin.describeTopics({ topics: names, signal: clients.signal() });
      if (flags.output === 'json') return printJson(io, described);
      io.stdout(described.map((t) => describeText(t, io)).join('\n'));
    }),
  );

  addConnectionOptions(
    topics
      .command('create')
      .description('Create a topic')
      .argument('<topic>', 'the topic')
      .option(
        '-p, --partitions <n>',
        "number of partitions (default: the brokers' num.partitions)",
        integer({ min: 1 }),
      )
      .option(
        '-r, --replication-factor <n>',
        "replicas of each partition (default: the brokers' default.replication.factor)",
        integer({ min: 1, max: 32767 }),
      )
      .option('--config <key=value>', 'a topic config (repeatable)', keyValue)
      .option('--if-not-exists', 'succeed when the topic already exists'),
    { ownConfig: true },
  ).action(
    (
      topic: string,
      flags: ConnectionFlags & {
        partitions?: number;
        replicationFactor?: number;
        config?: [string, string][];
        ifNotExists?: boolean;
      },
    ) =>
      withClients(flags, io, async (clients) => {
        const admin = await clients.admin();
        const created = await admin.createTopics({
          topics: [
            {
              topic,
              numPartitions: flags.partitions,
              replicationFactor: flags.replicationFactor,
              configEntries: (flags.config ?? []).map(([name, value]) => ({ name, value })),
            },
          ],
          timeout: clients.settings.timeoutMs,
          signal: clients.signal(),
        });
        if (!created) {
          if (flags.ifNotExists) {
            io.stderr(`Topic ${topic} already exists\n`);
            return;
          }
          throw new CliError(`topic ${topic} already exists (use --if-not-exists to accept that)`);
        }
        const [described] = await admin.describeTopics({ topics: [topic], signal: clients.signal() });
        io.stdout(
          `Created topic ${topic}: ${plural(described.partitions.length, 'partition')}, ` +
            `replication factor ${described.partitions[0]?.replicas.length ?? 0}\n`,
        );
      }),
  );

  addConnectionOptions(
    topics
      .command('delete')
      .description('Delete topics and all their records')
      .argument('<topics...>', 'the topics')
      .option('--if-exists', 'succeed for topics that do not exist'),
  ).action((names: string[], flags: ConnectionFlags & { ifExists?: boolean }) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const existing = new Set(await admin.listTopics({ signal: clients.signal() }));
      const missing = names.filter((name) => !existing.has(name));
      if (missing.length > 0 && !flags.ifExists) {
        throw new CliError(`topic ${missing[0]} does not exist (brokers ${clients.brokers})`);
      }
      const present = names.filter((name) => existing.has(name));
      if (present.length > 0) {
        await admin.deleteTopics({
          topics: present,
          timeout: clients.settings.timeoutMs,
          signal: clients.signal(),
        });
      }
      for (const name of present) io.stdout(`Deleted topic ${name}\n`);
    }),
  );

  addConnectionOptions(
    topics
      .command('alter')
      .description('Add partitions, or set and delete topic configs')
      .argument('<topic>', 'the topic')
      .option('-p, --partitions <n>', 'the new number of partitions (only ever more)', integer({ min: 1 }))
      .option('--config <key=value>', 'set a topic config (repeatable)', keyValue)
      .option('--delete-config <key>', 'return a config to its default (repeatable)', repeatable),
    { ownConfig: true },
  ).action(
    (
      topic: string,
      flags: ConnectionFlags & { partitions?: number; config?: [string, string][]; deleteConfig?: string[] },
    ) =>
      withClients(flags, io, async (clients) => {
        if (flags.partitions === undefined && !flags.config && !flags.deleteConfig) {
          throw new UsageError('nothing to alter: give --partitions, --config or --delete-config');
        }
        const admin = await clients.admin();
        const [before] = await admin.describeTopics({ topics: [topic], signal: clients.signal() });
        if (flags.partitions !== undefined) {
          const current = before.partitions.length;
          if (flags.partitions < current) {
            throw new CliError(
              `topic ${topic} has ${current} partitions; Kafka can only add partitions, not remove them`,
            );
          }
          if (flags.partitions > current) {
            await admin.createPartitions({
              topicPartitions: [{ topic, count: flags.partitions }],
              timeout: clients.settings.timeoutMs,
              signal: clients.signal(),
            });
            io.stdout(`Topic ${topic}: ${current} -> ${plural(flags.partitions, 'partition')}\n`);
          }
        }
        const changes = [
          ...(flags.config ?? []).map(([name, value]) => ({ name, value, operation: 'SET' as const })),
          ...(flags.deleteConfig ?? []).map((name) => ({ name, operation: 'DELETE' as const })),
        ];
        if (changes.length > 0) {
          await admin.incrementalAlterConfigs({
            resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: changes }],
            signal: clients.signal(),
          });
          for (const change of changes) {
            io.stdout(
              change.operation === 'SET'
                ? `Topic ${topic}: ${change.name}=${change.value}\n`
                : `Topic ${topic}: ${change.name} back to its default\n`,
            );
          }
        }
      }),
  );
}

function describeText(topic: TopicDescription, io: CliIo): string {
  const style = styleFor(io);
  const replication = Math.max(0, ...topic.partitions.map((p) => p.replicas.length));
  const head =
    `${style.bold('Topic:')} ${topic.name}  ${style.bold('Partitions:')} ${topic.partitions.length}  ` +
    `${style.bold('Replication:')} ${replication}${topic.isInternal ? '  (internal)' : ''}\n` +
    (topic.topicId && !/^A+=*$/.test(topic.topicId) ? `${style.bold('ID:')} ${topic.topicId}\n` : '');
  const configs =
    topic.configs === null
      ? `${style.bold('Configs:')} ${style.dim('(the brokers cannot describe configs)')}\n`
      : topic.configs.length === 0
        ? `${style.bold('Configs:')} ${style.dim('(all defaults)')}\n`
        : `${style.bold('Configs:')}\n${topic.configs
            .map(
              (c) =>
                `  ${c.name}=${c.isSensitive ? '(sensitive)' : (c.value ?? '')}  ${style.dim(c.source)}\n`,
            )
            .join('')}`;
  const table = formatTable(
    ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'OFFLINE', 'START', 'END', 'RECORDS'],
    topic.partitions.map((p) => {
      const underReplicated = p.isr.length < p.replicas.length;
      return [
        p.partition,
        p.leader < 0 ? style.red('none') : p.leader,
        p.replicas.join(','),
        underReplicated ? style.yellow(p.isr.join(',')) : p.isr.join(','),
        p.offlineReplicas.length > 0 ? style.red(p.offlineReplicas.join(',')) : '',
        p.startOffset,
        p.endOffset,
        String(BigInt(p.endOffset) - BigInt(p.startOffset)),
      ];
    }),
    style,
  );
  return `${head}${configs}\n${table}`;
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
