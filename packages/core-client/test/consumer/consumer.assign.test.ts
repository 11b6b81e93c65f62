/**
 * assign() (partitions without a group, Java's manual assignment) and position(), against broker-dev.
 */

import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerStateError } from '../../src/consumer/errors.js';
import { ConfigurationError } from '../../src/index.js';
import { type Fixture, sleep, startFixture } from '../helpers/broker-fixture.js';
import { makeConsumer } from '../helpers/consumer.js';

let fx: Fixture;
let counts: Map<number, number>;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 2 });
  counts = await fx.produce('assigned', 300);
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

describe('consumer.assign()', () => {
  it('reads exactly the assigned partition from a seek, with no group, and position() follows delivery', async () => {
    const c = makeConsumer(fx.kafka, { groupId: 'never-joined', autoOffsetReset: 'latest' });
    c.assign([{ topic: 'assigned', partitions: [1] }]);
    c.seek({ topic: 'assigned', partition: 1, offset: 0 });
    const offsets: number[] = [];
    const positions: (string | null)[] = [];
    await c.run({
      eachMessage: async ({ partition, message }) => {
        expect(partition).toBe(1);
        positions.push(c.position({ topic: 'assigned', partition: 1 }));
        offsets.push(Number(message.offset));
      },
    });
    const expected = counts.get(1) ?? 0;
    await waitFor('every record of partition 1', () => offsets.length >= expected, { timeoutMs: 10_000 });
    await waitFor(
      'position at the end',
      () => c.position({ topic: 'assigned', partition: 1 }) === String(expected),
      { timeoutMs: 10_000 },
    );
    // While a handler runs, the position is that record's offset (it moves once the handler returned).
    expect(positions.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(offsets).toEqual(Array.from({ length: expected }, (_, i) => i));
    expect(c.position({ topic: 'assigned', partition: 0 })).toBeNull();
    expect(c.assignment()).toEqual([{ topic: 'assigned', partitions: [1] }]);
    await c.disconnect();
    // Nothing was committed and the group never formed.
    const admin = fx.kafka.admin();
    await admin.connect();
    const groups = await admin.listGroups();
    await admin.disconnect();
    expect(groups.groups.map((g) => g.groupId)).not.toContain('never-joined');
  }, 30_000);

  it('starts at autoOffsetReset without a seek, and assign() while running replaces the partitions', async () => {
    const c = makeConsumer(fx.kafka, { groupId: 'reassign', autoOffsetReset: 'earliest' });
    c.assign([{ topic: 'assigned', partitions: [0] }]);
    const seen = new Set<string>();
    await c.run({
      eachMessage: async ({ partition, message }) => {
        seen.add(`${partition}:${message.offset}`);
      },
    });
    const zero = counts.get(0) ?? 0;
    await waitFor('partition 0', () => seen.size >= zero, { timeoutMs: 10_000 });
    c.seek({ topic: 'assigned', partition: 1, offset: 10 });
    c.assign([{ topic: 'assigned', partitions: [1] }]);
    const one = counts.get(1) ?? 0;
    await waitFor('partition 1 from offset 10', () => seen.size >= zero + one - 10, { timeoutMs: 10_000 });
    await sleep(100);
    expect(seen.has('1:9')).toBe(false);
    expect(seen.has('1:10')).toBe(true);
    expect(c.assignment()).toEqual([{ topic: 'assigned', partitions: [1] }]);
    await c.disconnect();
  }, 30_000);

  it('keeps tailing: records produced later arrive, and position() passes them', async () => {
    const admin = fx.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'tail', numPartitions: 1 }] });
    await admin.disconnect();
    const c = makeConsumer(fx.kafka, { groupId: 'tail', autoOffsetReset: 'earliest', fetchMaxWaitMs: 100 });
    c.assign([{ topic: 'tail', partitions: [0] }]);
    const values: string[] = [];
    await c.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    expect(c.position({ topic: 'tail', partition: 0 })).toBe('0');
    const producer = fx.kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'tail', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    await waitFor('position 2', () => c.position({ topic: 'tail', partition: 0 }) === '2', {
      timeoutMs: 10_000,
    });
    expect(values).toEqual(['a', 'b']);
    await c.disconnect();
  }, 30_000);

  it('is exclusive with subscribe(), checks its input, and does not commit', async () => {
    const subscribed = makeConsumer(fx.kafka, { groupId: 'x' });
    await subscribed.subscribe({ topics: ['assigned'] });
    expect(() => subscribed.assign([{ topic: 'assigned', partitions: [0] }])).toThrow(ConsumerStateError);
    await subscribed.disconnect();

    const c = makeConsumer(fx.kafka, { groupId: 'y' });
    expect(() => c.assign([{ topic: '', partitions: [0] }])).toThrow(ConfigurationError);
    expect(() => c.assign([{ topic: 't', partitions: [-1] }])).toThrow(ConfigurationError);
    c.assign([{ topic: 'assigned', partitions: [0] }]);
    await expect(c.subscribe({ topics: ['assigned'] })).rejects.toThrow(ConsumerStateError);
    await expect(c.commitOffsets([{ topic: 'assigned', partition: 0, offset: 1 }])).rejects.toThrow(
      ConsumerStateError,
    );
    await c.disconnect();
  }, 30_000);
});
