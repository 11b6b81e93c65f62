import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap);
});
afterAll(() => cluster?.stop());

const N = 30;
const M = 11;

/** Partition, offset pairs printed by `consume -f '%p %o\n'`. */
function printed(stdout: string): [number, number][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number]);
}

describe('samsa groups', () => {
  it('describe shows the exact lag after producing N keyed records and consuming M in a group', async () => {
    await samsa(['topics', 'create', 'payments', '-p', '3', '-r', '1']);
    const lines = Array.from({ length: N }, (_, i) => `customer-${i % 5}:payment-${i}`).join('\n');
    expect((await samsa(['produce', 'payments', '-K', ':', '-q'], { stdin: lines })).code).toBe(0);
    const ends = new Map<number, number>(
      JSON.parse((await samsa(['topics', 'describe', 'payments', '-o', 'json'])).stdout)[0].partitions.map(
        (p: { partition: number; endOffset: string }) => [p.partition, Number(p.endOffset)],
      ),
    );
    expect([...ends.values()].reduce((a, b) => a + b)).toBe(N);

    const consumed = await samsa([
      'consume',
      'payments',
      '--group',
      'billing',
      '--from-beginning',
      '--count',
      String(M),
      '-f',
      '%p %o\\n',
    ]);
    expect(consumed.code).toBe(0);
    expect(consumed.stderr).toBe(`Consumed ${M} records\n`);
    const read = printed(consumed.stdout);
    expect(read).toHaveLength(M);

    // Each partition's committed offset is one past the last record printed from it, or where it started (0).
    const committed = new Map<number, number>([...ends.keys()].map((p) => [p, 0]));
    for (const [partition, offset] of read)
      committed.set(partition, Math.max(committed.get(partition)!, offset + 1));

    const described = await samsa(['groups', 'describe', 'billing', '-o', 'json']);
    const group = JSON.parse(described.stdout);
    expect(group.state).toBe('Empty');
    expect(group.members).toEqual([]);
    expect(
      group.partitions.map(
        (p: { partition: number; committedOffset: string; endOffset: string; lag: string }) => [
          p.partition,
          p.committedOffset,
          p.endOffset,
          p.lag,
        ],
      ),
    ).toEqual(
      [...ends]
        .sort(([a], [b]) => a - b)
        .map(([p, end]) => [p, String(committed.get(p)), String(end), String(end - committed.get(p)!)]),
    );
    expect(group.topics).toEqual([{ topic: 'payments', lag: String(N - M) }]);
    expect(group.totalLag).toBe(String(N - M));

    const table = (await samsa(['groups', 'describe', 'billing'])).stdout;
    expect(table).toMatch(
      /^Group: billing {2}State: Empty {2}Assignor: - {2}Coordinator: \d \(127\.0\.0\.1:\d+\) {2}Members: 0\n\n/,
    );
    expect(table).toContain(
      'TOPIC     PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID\n',
    );
    expect(table).toMatch(new RegExp(`\\nTOTAL +${N - M}\\n$`));
  });

  it('lists groups with their states', async () => {
    const listed = JSON.parse((await samsa(['groups', 'list', '-o', 'json'])).stdout);
    expect(listed).toContainEqual({ groupId: 'billing', state: 'Empty', protocolType: 'consumer' });
    expect((await samsa(['groups', 'list'])).stdout).toMatch(
      /^GROUP +STATE +PROTOCOL-TYPE\n(.*\n)*billing +Empty +consumer\n/,
    );
  });

  it('reset-offsets plans on a dry run (the default) and commits with --execute', async () => {
    const dry = await samsa([
      'groups',
      'reset-offsets',
      'billing',
      '--topic',
      'payments:0,1',
      '--to-earliest',
    ]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^TOPIC +PARTITION +CURRENT-OFFSET +NEW-OFFSET\npayments +0 +\d+ +0\npayments +1 +\d+ +0\n$/,
    );
    expect(dry.stderr).toBe('Dry run: nothing was committed. Add --execute to commit these offsets.\n');
    const before = JSON.parse((await samsa(['groups', 'describe', 'billing', '-o', 'json'])).stdout);
    const done = await samsa([
      'groups',
      'reset-offsets',
      'billing',
      '--all-topics',
      '--to-latest',
      '--execute',
      '-o',
      'json',
    ]);
    expect(JSON.parse(done.stdout)).toMatchObject({ groupId: 'billing', executed: true });
    const after = JSON.parse((await samsa(['groups', 'describe', 'billing', '-o', 'json'])).stdout);
    expect(after.totalLag).toBe('0');
    expect(before.totalLag).toBe(String(N - M));

    const shifted = JSON.parse(
      (
        await samsa([
          'groups',
          'reset-offsets',
          'billing',
          '--all-topics',
          '--shift-by',
          '-2',
          '--execute',
          '-o',
          'json',
        ])
      ).stdout,
    );
    expect(
      shifted.partitions.every(
        (p: { newOffset: string; currentOffset: string }) =>
          Number(p.newOffset) === Math.max(0, Number(p.currentOffset) - 2),
      ),
    ).toBe(true);
  });

  it('reset-offsets needs exactly one target and the partitions, and is refused while the group has members', async () => {
    expect((await samsa(['groups', 'reset-offsets', 'billing', '--all-topics'])).stderr).toMatch(
      /^samsa: say where to: --to-earliest, --to-latest, --to-offset, --to-datetime or --shift-by\n/,
    );
    expect((await samsa(['groups', 'reset-offsets', 'billing', '--to-latest'])).code).toBe(2);
    expect(
      (await samsa(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-latest', '--to-offset', '3']))
        .stderr,
    ).toMatch(/use one of --to-latest, --to-offset/);
    expect(
      (await samsa(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-datetime', 'yesterday']))
        .code,
    ).toBe(2);

    const { Kafka, LogLevel } = await import('@samsa/core-client');
    const kafka = new Kafka({ brokers: cluster.broker.bootstrap, logLevel: LogLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'busy', sessionTimeoutMs: 6000 });
    await consumer.subscribe({ topics: ['payments'] });
    await consumer.run({ eachMessage: async () => {} });
    try {
      const refused = await samsa([
        'groups',
        'reset-offsets',
        'busy',
        '--all-topics',
        '--to-earliest',
        '--execute',
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^samsa: Offsets of group busy can only be reset while it is inactive, but it is \w+ with 1 member/,
      );
      const members = JSON.parse((await samsa(['groups', 'describe', 'busy', '-o', 'json'])).stdout).members;
      expect(members).toHaveLength(1);
      expect(members[0].assignment).toEqual([{ topic: 'payments', partitions: [0, 1, 2] }]);
      const deleting = await samsa(['groups', 'delete', 'busy']);
      expect(deleting.code).toBe(1);
      expect(deleting.stderr).toBe('samsa: group busy still has members; stop its consumers first\n');
    } finally {
      await consumer.disconnect();
    }
  });

  it('deletes a group, and says when a group does not exist', async () => {
    expect(await samsa(['groups', 'delete', 'billing'])).toMatchObject({
      code: 0,
      stdout: 'Deleted group billing\n',
    });
    const gone = await samsa(['groups', 'describe', 'billing']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^samsa: group billing does not exist/);
  });
});
