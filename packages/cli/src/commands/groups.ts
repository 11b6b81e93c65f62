/** `samsa groups list | describe | reset-offsets | delete`, as kafka-consumer-groups does them. */
import {
  type CliCommand,
  CliError,
  type CliIo,
  formatTable,
  Option,
  type OutputFormat,
  outputOption,
  printJson,
  repeatable,
  type Style,
  styleFor,
  UsageError,
} from '@samsa/cli-kit';
import type { ConsumerGroupDescription, OffsetResetResult, OffsetResetStrategy } from '@samsa/core-client';
import { withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';
import { parseTime } from '../time.js';

type Output = { output: OutputFormat };

interface ResetFlags extends ConnectionFlags, Output {
  topic?: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: string;
  toDatetime?: string;
  shiftBy?: string;
  dryRun?: boolean;
  execute?: boolean;
}

export function addGroupsCommands(program: CliCommand, io: CliIo): void {
  const groups = program
    .command('groups')
    .description('List, describe (members, offsets, lag), reset offsets of and delete consumer groups');

  addConnectionOptions(
    groups.command('list').description('List consumer groups and their states').addOption(outputOption()),
  ).action((flags: ConnectionFlags & Output) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const { groups: all } = await admin.listGroups({ signal: clients.signal() });
      const rows = all
        .map((g) => ({ groupId: g.groupId, state: g.groupState ?? null, protocolType: g.protocolType }))
        .sort((a, b) => a.groupId.localeCompare(b.groupId));
      if (flags.output === 'json') return printJson(io, rows);
      const style = styleFor(io);
      io.stdout(
        formatTable(
          ['GROUP', 'STATE', 'PROTOCOL-TYPE'],
          rows.map((g) => [g.groupId, stateText(g.state, style), g.protocolType || '-']),
          style,
        ),
      );
    }),
  );

  addConnectionOptions(
    groups
      .command('describe')
      .description('Show members and assignment, and per partition the committed offset, end offset and lag')
      .argument('<group>', 'the group id')
      .option('--topic <topic>', 'only these topics (repeatable)', repeatable)
      .addOption(outputOption()),
  ).action((groupId: string, flags: ConnectionFlags & Output & { topic?: string[] }) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      const [group] = (
        await admin.describeConsumerGroups([groupId], { topics: flags.topic, signal: clients.signal() })
      ).groups;
      if (group.state === 'Dead' && group.partitions.length === 0 && (group.members?.length ?? 0) === 0) {
        throw new CliError(`group ${groupId} does not exist (brokers ${clients.brokers})`);
      }
      if (flags.output === 'json') return printJson(io, group);
      io.stdout(groupText(group, styleFor(io)));
    }),
  );

  addConnectionOptions(
    groups
      .command('reset-offsets')
      .description("Move a group's committed offsets (the group must have no active members)")
      .argument('<group>', 'the group id')
      .option(
        '--topic <topic[:partitions]>',
        'a topic, or some of its partitions (orders:0,2); repeatable',
        repeatable,
      )
      .option('--all-topics', 'every topic the group has committed offsets for')
      .addOption(new Option('--to-earliest', 'to the first offset of each log'))
      .addOption(new Option('--to-latest', 'to the end of each log'))
      .addOption(new Option('--to-offset <offset>', 'to this offset'))
      .addOption(
        new Option('--to-datetime <time>', 'to the first record at or after this time (ISO 8601 or ms)'),
      )
      .addOption(new Option('--shift-by <n>', 'by n from the committed offset (negative moves back)'))
      .option('--dry-run', 'show the new offsets without committing them (the default)')
      .option('--execute', 'commit the new offsets')
      .addOption(outputOption()),
  ).action((groupId: string, flags: ResetFlags) =>
    withClients(flags, io, async (clients) => {
      const strategy = resetStrategy(flags);
      if (flags.dryRun && flags.execute) throw new UsageError('use either --dry-run or --execute');
      if (!flags.topic && !flags.allTopics)
        throw new UsageError('name the partitions: --topic <topic> or --all-topics');
      if (flags.topic && flags.allTopics) throw new UsageError('use either --topic or --all-topics');
      const admin = await clients.admin();
      const result = await admin.resetConsumerGroupOffsets({
        groupId,
        topics: flags.topic?.map(topicPartitions),
        strategy,
        dryRun: !flags.execute,
        signal: clients.signal(),
      });
      if (flags.output === 'json') return printJson(io, result);
      io.stdout(resetText(result, styleFor(io)));
      if (!flags.execute)
        io.stderr('Dry run: nothing was committed. Add --execute to commit these offsets.\n');
    }),
  );

  addConnectionOptions(
    groups
      .command('delete')
      .description('Delete consumer groups and their committed offsets (they must have no members)')
      .argument('<groups...>', 'the group ids'),
  ).action((groupIds: string[], flags: ConnectionFlags) =>
    withClients(flags, io, async (clients) => {
      const admin = await clients.admin();
      await admin.deleteGroups(groupIds, { signal: clients.signal() });
      for (const id of groupIds) io.stdout(`Deleted group ${id}\n`);
    }),
  );
}

function resetStrategy(flags: ResetFlags): OffsetResetStrategy {
  const given = (
    [
      ['--to-earliest', flags.toEarliest],
      ['--to-latest', flags.toLatest],
      ['--to-offset', flags.toOffset],
      ['--to-datetime', flags.toDatetime],
      ['--shift-by', flags.shiftBy],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'say where to: --to-earliest, --to-latest, --to-offset, --to-datetime or --shift-by'
        : `use one of ${given.map(([flag]) => flag).join(', ')}`,
    );
  }
  if (flags.toEarliest) return { type: 'earliest' };
  if (flags.toLatest) return { type: 'latest' };
  if (flags.toOffset !== undefined) {
    if (!/^\d+$/.test(flags.toOffset))
      throw new UsageError(`--to-offset takes an offset >= 0, not "${flags.toOffset}"`);
    return { type: 'offset', offset: flags.toOffset };
  }
  if (flags.toDatetime !== undefined)
    return { type: 'timestamp', timestamp: parseTime(flags.toDatetime, '--to-datetime') };
  if (!/^[+-]?\d+$/.test(flags.shiftBy!))
    throw new UsageError(`--shift-by takes an integer, not "${flags.shiftBy}"`);
  return { type: 'shift-by', shift: flags.shiftBy!.replace(/^\+/, '') };
}

/** `orders` or `orders:0,2`. */
function topicPartitions(value: string): { topic: string; partitions?: number[] } {
  const colon = value.lastIndexOf(':');
  if (colon < 0) return { topic: value };
  const list = value.slice(colon + 1);
  if (!/^\d+(,\d+)*$/.test(list)) {
    throw new UsageError(`--topic takes topic or topic:partition,partition; "${value}" is neither`);
  }
  return { topic: value.slice(0, colon), partitions: list.split(',').map(Number) };
}

function stateText(state: string | null, style: Style): string {
  if (state === null) return '-';
  if (state === 'Stable') return style.green(state);
  if (state === 'Empty' || state === 'Dead') return style.dim(state);
  return style.yellow(state);
}

function groupText(group: ConsumerGroupDescription, style: Style): string {
  const coordinator = group.coordinator
    ? `${group.coordinator.nodeId} (${group.coordinator.host}:${group.coordinator.port})`
    : '-';
  const members =
    group.members === null ? '(the coordinator cannot describe members)' : String(group.members.length);
  let out =
    `${style.bold('Group:')} ${group.groupId}  ${style.bold('State:')} ${stateText(group.state, style)}  ` +
    `${style.bold('Assignor:')} ${group.assignor || '-'}  ${style.bold('Coordinator:')} ${coordinator}  ` +
    `${style.bold('Members:')} ${members}\n\n`;
  out += formatTable(
    ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    group.partitions.map((p) => [
      p.topic,
      p.partition,
      p.committedOffset,
      p.endOffset,
      p.lag === null ? null : lagText(p.lag, style),
      p.memberId,
      p.clientHost,
      p.clientId,
    ]),
    style,
  );
  if (group.topics.length > 0) {
    out += `\n${formatTable(
      ['TOPIC', 'LAG'],
      [
        ...group.topics.map((t) => [t.topic, lagText(t.lag, style)]),
        [style.bold('TOTAL'), lagText(group.totalLag, style)],
      ],
      style,
    )}`;
  }
  if (group.members && group.members.length > 0) {
    out += `\n${formatTable(
      ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'INSTANCE-ID', 'ASSIGNMENT'],
      group.members.map((m) => [
        m.memberId,
        m.clientId,
        m.clientHost,
        m.groupInstanceId,
        m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-',
      ]),
      style,
    )}`;
  }
  return out;
}

function lagText(lag: string, style: Style): string {
  return lag === '0' ? style.green(lag) : style.yellow(lag);
}

function resetText(result: OffsetResetResult, style: Style): string {
  return formatTable(
    ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET', ''],
    result.partitions.map((p) => [
      p.topic,
      p.partition,
      p.currentOffset,
      p.newOffset,
      p.clamped ? style.dim('(moved into the log)') : '',
    ]),
    style,
  );
}
