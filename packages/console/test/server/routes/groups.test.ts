/** The consumer group routes against the dev broker: exact lag, members and assignments, offset resets. */
import type { Consumer } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ApiErrorBody,
  GroupDetails,
  GroupSummary,
  OffsetResetResult,
  Overview,
  TopicDetails,
} from '../../../src/api/types.js';
import { activeMember, consumeUpTo, fillPartitions } from '../../helpers/groups.js';
import { type Stack, startStack } from '../../helpers/stack.js';

let stack: Stack;
let live: Consumer;

beforeAll(async () => {
  stack = await startStack();
  await stack.call('POST', '/api/topics', { name: 'payments', partitions: 3 });
  await fillPartitions(stack.kafka, 'payments', 3, 10);
  await consumeUpTo(stack.kafka, 'billing', 'payments', [4, 0, 10]);
  live = await activeMember(stack.kafka, 'auditors', 'payments');
  await waitFor(
    'auditors to be Stable',
    async () => (await stack.call<GroupDetails>('GET', '/api/groups/auditors')).body.state === 'Stable',
    { timeoutMs: 30_000 },
  );
}, 90_000);

afterAll(async () => {
  await live?.disconnect();
  await stack?.stop();
});

const errorCode = (body: unknown) => (body as ApiErrorBody).error.code;

it('lists groups with state, protocol, members and total lag', async () => {
  const { body } = await stack.call<{ groups: GroupSummary[] }>('GET', '/api/groups');
  const billing = body.groups.find((g) => g.groupId === 'billing');
  const auditors = body.groups.find((g) => g.groupId === 'auditors');
  expect(billing).toMatchObject({
    state: 'Empty',
    protocolType: 'consumer',
    members: 0,
    totalLag: '6',
    topics: ['payments'],
  });
  expect(auditors).toMatchObject({ state: 'Stable', members: 1 });
  expect(auditors!.protocol).not.toBe('');
});

it('describes a group with exact per-partition committed offset, end offset and lag', async () => {
  const { body } = await stack.call<GroupDetails>('GET', '/api/groups/billing');
  expect(body.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag])).toEqual([
    [0, '4', '10', '6'],
    [1, null, '10', null],
    [2, '10', '10', '0'],
  ]);
  expect(body.topics).toEqual([{ topic: 'payments', lag: '6' }]);
  expect(body.totalLag).toBe('6');
});

it('shows members with their assignment, and the partitions they own', async () => {
  const { body } = await stack.call<GroupDetails>('GET', '/api/groups/auditors');
  expect(body.members).toHaveLength(1);
  expect(body.members[0]!.assignment).toEqual([{ topic: 'payments', partitions: [0, 1, 2] }]);
  expect(body.partitions.every((p) => p.memberId === body.members[0]!.memberId)).toBe(true);
});

it('shows the groups reading a topic and the total lag on the overview', async () => {
  const { body: topic } = await stack.call<TopicDetails>('GET', '/api/topics/payments');
  expect(topic.groups.find((g) => g.groupId === 'billing')).toEqual({
    groupId: 'billing',
    state: 'Empty',
    lag: '6',
  });
  const { body: overview } = await stack.call<Overview>('GET', '/api/overview');
  expect(overview.groups).toBe(2);
  expect(BigInt(overview.totalLag)).toBeGreaterThanOrEqual(6n);
});

it('answers an unknown group with 404', async () => {
  const answer = await stack.call('GET', '/api/groups/nobody-here');
  expect([answer.status, errorCode(answer.body)]).toEqual([404, 'GROUP_NOT_FOUND']);
});

it('plans a reset with a dry run, changing nothing, then executes it', async () => {
  const reset = (body: unknown) =>
    stack.call<OffsetResetResult>('POST', '/api/groups/billing/offsets/reset', body);
  const plan = await reset({ strategy: { type: 'offset', offset: '7' }, dryRun: true });
  expect(plan.status).toBe(200);
  expect(plan.body).toMatchObject({ groupId: 'billing', state: 'Empty', executed: false });
  expect(plan.body.partitions.map((p) => [p.partition, p.currentOffset, p.newOffset, p.clamped])).toEqual([
    [0, '4', '7', false],
    [1, null, '7', false],
    [2, '10', '7', false],
  ]);
  expect((await stack.call<GroupDetails>('GET', '/api/groups/billing')).body.totalLag).toBe('6');
  const clamped = await reset({
    topics: [{ topic: 'payments', partitions: [1] }],
    strategy: { type: 'offset', offset: '99' },
    dryRun: true,
  });
  expect(clamped.body.partitions).toEqual([
    { topic: 'payments', partition: 1, currentOffset: null, newOffset: '10', clamped: true },
  ]);
  const done = await reset({ strategy: { type: 'earliest' }, dryRun: false });
  expect(done.body.executed).toBe(true);
  const after = await stack.call<GroupDetails>('GET', '/api/groups/billing');
  expect(after.body.partitions.map((p) => p.committedOffset)).toEqual(['0', '0', '0']);
  expect(after.body.totalLag).toBe('30');
  const latest = await reset({
    strategy: { type: 'timestamp', timestamp: Date.now() + 60_000 },
    dryRun: false,
  });
  expect(latest.body.partitions.map((p) => p.newOffset)).toEqual(['10', '10', '10']);
});

it('refuses to reset a group with active members, and bad reset requests', async () => {
  const active = await stack.call('POST', '/api/groups/auditors/offsets/reset', {
    strategy: { type: 'latest' },
    dryRun: true,
  });
  expect([active.status, errorCode(active.body)]).toEqual([409, 'GROUP_ACTIVE']);
  const cases: [unknown, string][] = [
    [{ strategy: { type: 'sideways' }, dryRun: true }, 'INVALID_REQUEST'],
    [{ strategy: { type: 'offset', offset: '-3' }, dryRun: true }, 'INVALID_REQUEST'],
    [{ strategy: { type: 'earliest' } }, 'INVALID_REQUEST'],
    [
      { topics: [{ topic: 'payments', partitions: [9] }], strategy: { type: 'earliest' }, dryRun: true },
      'PARTITION_NOT_FOUND',
    ],
  ];
  for (const [body, code] of cases) {
    const answer = await stack.call('POST', '/api/groups/billing/offsets/reset', body);
    expect({ body, status: answer.status, code: errorCode(answer.body) }).toEqual({
      body,
      status: 400,
      code,
    });
  }
  const none = await stack.call('POST', '/api/groups/fresh-group/offsets/reset', {
    strategy: { type: 'earliest' },
    dryRun: true,
  });
  expect([none.status, errorCode(none.body)]).toEqual([400, 'INVALID_REQUEST']);
});
