/**
 * The diagnostics channels against @samsa/broker-dev: each documented channel publishes its payload
 * with the documented lifecycle (start, end, error, asyncStart, asyncEnd), `start` subscribers may add
 * headers to a send's messages, and a store bound to the process channel is active in the handler.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommitEvent,
  DiagnosticsChannelNames,
  diagnosticsChannels,
  type FetchEvent,
  type JoinEvent,
  type ProcessEvent,
  type ProduceEvent,
  type RebalanceEvent,
  type RequestEvent,
  type SendEvent,
} from '../../src/index.js';
import { type Fixture, startFixture } from '../helpers/broker-fixture.js';

type Phase = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';
interface Seen {
  channel: string;
  phase: Phase;
  context: Record<string, unknown>;
}

let fixture: Fixture;
const seen: Seen[] = [];
const unsubscribes: (() => void)[] = [];

/** Records every event of every tracing channel. */
function recordAll(): void {
  for (const [key, ch] of Object.entries(diagnosticsChannels)) {
    if (key === 'clientCreated') continue;
    const tracing = ch as typeof diagnosticsChannels.request;
    const handlers = Object.fromEntries(
      (['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as Phase[]).map((phase) => [
        phase,
        (context: unknown) => seen.push({ channel: key, phase, context: context as Record<string, unknown> }),
      ]),
    ) as unknown as Parameters<typeof tracing.subscribe>[0];
    tracing.subscribe(handlers);
    unsubscribes.push(() => tracing.unsubscribe(handlers));
  }
}

const events = (channel: string, phase: Phase) =>
  seen.filter((s) => s.channel === channel && s.phase === phase).map((s) => s.context);

beforeAll(async () => {
  fixture = await startFixture({ brokers: 1, partitions: 2 });
});

afterEach(() => {
  for (const u of unsubscribes.splice(0)) u();
  seen.length = 0;
});

afterAll(async () => {
  await fixture?.stop();
});

describe('diagnostics channels', () => {
  it('names the channels as documented', () => {
    expect(DiagnosticsChannelNames).toEqual({
      request: 'samsa:request',
      send: 'samsa:producer:send',
      produce: 'samsa:producer:produce',
      fetch: 'samsa:consumer:fetch',
      process: 'samsa:consumer:process',
      commit: 'samsa:consumer:commit',
      join: 'samsa:consumer:join',
      heartbeat: 'samsa:consumer:heartbeat',
      rebalance: 'samsa:consumer:rebalance',
      clientCreated: 'samsa:client:created',
    });
    for (const ch of Object.values(diagnosticsChannels)) expect(ch.hasSubscribers).toBe(false);
  });

  it('publishes sends, produce requests and requests, and lets start subscribers add headers', async () => {
    recordAll();
    const inject = (context: SendEvent) => {
      for (const { messages } of context.topicMessages)
        for (const m of messages) m.headers = { ...m.headers, injected: 'by-subscriber' };
    };
    diagnosticsChannels.send.start.subscribe(inject as (m: unknown) => void);
    unsubscribes.push(() => diagnosticsChannels.send.start.unsubscribe(inject as (m: unknown) => void));

    const producer = fixture.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'dc-send',
      messages: [
        { key: 'a', value: '1', partition: 0 },
        { value: '2', partition: 1 },
      ],
    });
    await producer.sendBatch({
      topicMessages: [{ topic: 'dc-send', messages: [{ value: '3', partition: 0 }] }],
    });
    await expect(
      producer.send({ topic: 'dc-send', messages: [{ value: 'x', partition: 99 }] }),
    ).rejects.toThrow(/partition 99 does not exist/);
    await producer.disconnect();

    const sends = events('send', 'start') as unknown as SendEvent[];
    expect(sends.map((s) => [s.operation, s.messageCount, s.client.type])).toEqual([
      ['send', 2, 'producer'],
      ['sendBatch', 1, 'producer'],
      ['send', 1, 'producer'],
    ]);
    const settled = events('send', 'asyncEnd') as unknown as SendEvent[];
    expect(settled).toHaveLength(3);
    expect(settled[0].result!.records.map((r) => r.partition)).toEqual([0, 1]);
    expect(settled[2].error).toBeInstanceOf(Error);
    expect(events('send', 'error')).toEqual([settled[2]]);

    const produced = events('produce', 'asyncEnd') as unknown as ProduceEvent[];
    const batches = produced.flatMap((p) => p.batches);
    expect(batches.reduce((n, b) => n + b.records, 0)).toBe(3);
    for (const b of batches) {
      expect(b.topic).toBe('dc-send');
      expect(b.attempt).toBe(1);
      expect(b.baseOffset).toMatch(/^\d+$/);
      expect(b.bytes).toBeGreaterThan(0);
    }

    const requests = events('request', 'asyncEnd') as unknown as RequestEvent[];
    const names = new Set(requests.map((r) => r.apiName));
    for (const name of ['ApiVersions', 'Metadata', 'Produce']) expect(names).toContain(name);
    const produce = requests.find((r) => r.apiName === 'Produce')!;
    expect(produce.client.type).toBe('producer');
    expect(produce.purpose).toBe('produce');
    expect(produce.broker.port).toBeGreaterThan(0);
    expect(produce.requestBytes).toBeGreaterThan(0);
    expect(produce.responseBytes).toBeGreaterThan(0);
    expect(produce.expectResponse).toBe(true);
    // Every request that started settled, with the same context object.
    expect(events('request', 'start').length).toBe(requests.length);

    // The header the subscriber added went out with the records.
    const consumer = fixture.kafka.consumer({ groupId: 'dc-headers', autoOffsetReset: 'earliest' });
    const headers: string[] = [];
    await consumer.subscribe({ topics: ['dc-send'] });
    await consumer.run({
      eachMessage: async ({ message }) => {
        headers.push(String(message.headers.injected));
      },
    });
    await waitFor('3 records', () => headers.length >= 3);
    await consumer.disconnect();
    expect(headers).toEqual(['by-subscriber', 'by-subscriber', 'by-subscriber']);
  });

  it('publishes fetches, handler calls with their attempt, commits, joins, heartbeats and rebalances', async () => {
    const producer = fixture.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'dc-consume',
      messages: Array.from({ length: 4 }, (_, i) => ({ value: String(i), partition: 0 })),
    });
    await producer.disconnect();

    recordAll();
    const store = new AsyncLocalStorage<string>();
    diagnosticsChannels.process.start.bindStore(
      store as never,
      ((ctx: ProcessEvent) => `${ctx.topic}/${ctx.partition}@${ctx.message?.offset}`) as never,
    );
    unsubscribes.push(() => diagnosticsChannels.process.start.unbindStore(store as never));

    const consumer = fixture.kafka.consumer({
      groupId: 'dc-group',
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 50,
      retryBackoffMs: 10,
    });
    const inHandler: (string | undefined)[] = [];
    let failOnce = true;
    await consumer.subscribe({ topics: ['dc-consume'] });
    await consumer.run({
      eachMessage: async ({ message }) => {
        inHandler.push(store.getStore());
        if (message.offset === '1' && failOnce) {
          failOnce = false;
          throw new Error('first attempt fails');
        }
      },
    });
    await waitFor('4 records handled', () => inHandler.length >= 5);
    await waitFor('a heartbeat', () => events('heartbeat', 'asyncEnd').length > 0);
    await consumer.disconnect();

    expect(inHandler).toEqual([
      'dc-consume/0@0',
      'dc-consume/0@1',
      'dc-consume/0@1',
      'dc-consume/0@2',
      'dc-consume/0@3',
    ]);
    const processed = events('process', 'asyncEnd') as unknown as ProcessEvent[];
    expect(processed.map((p) => [p.message!.offset, p.attempt, p.error === undefined])).toEqual([
      ['0', 1, true],
      ['1', 1, false],
      ['1', 2, true],
      ['2', 1, true],
      ['3', 1, true],
    ]);
    expect(processed[0].mode).toBe('eachMessage');
    expect(processed[0].groupId).toBe('dc-group');
    expect(processed[0].client).toMatchObject({ type: 'consumer', groupId: 'dc-group' });
    expect(events('process', 'error')).toEqual([processed[1]]);

    const fetches = events('fetch', 'asyncEnd') as unknown as FetchEvent[];
    const withData = fetches.find((f) => f.bytes > 0)!;
    expect(withData.partitions.find((p) => p.partition === 0)).toMatchObject({
      topic: 'dc-consume',
      fetchOffset: '0',
      highWatermark: '4',
      errorCode: 0,
    });

    const commits = events('commit', 'asyncEnd') as unknown as CommitEvent[];
    expect(commits.length).toBeGreaterThan(0);
    expect(commits.at(-1)!.offsets).toContainEqual({ topic: 'dc-consume', partition: 0, offset: '4' });

    const joins = events('join', 'asyncEnd') as unknown as JoinEvent[];
    expect(joins[0].groupProtocol).toBe('classic');
    expect(joins[0].result!.partitions).toEqual([{ topic: 'dc-consume', partitions: [0, 1] }]);
    const rebalances = events('rebalance', 'asyncEnd') as unknown as RebalanceEvent[];
    expect(rebalances[0].result!.assigned).toEqual([{ topic: 'dc-consume', partitions: [0, 1] }]);
    expect(events('heartbeat', 'asyncEnd')[0]).toMatchObject({ groupId: 'dc-group', result: 0 });
  });

  it('announces created clients on samsa:client:created', () => {
    const created: { client: { type: string }; instance: unknown }[] = [];
    const listener = (m: unknown) => created.push(m as (typeof created)[number]);
    diagnosticsChannels.clientCreated.subscribe(listener);
    try {
      const producer = fixture.kafka.producer();
      const consumer = fixture.kafka.consumer({ groupId: 'dc-created' });
      const admin = fixture.kafka.admin();
      expect(created.map((c) => c.client.type)).toEqual(['producer', 'consumer', 'admin']);
      expect(created.map((c) => c.instance)).toEqual([producer, consumer, admin]);
    } finally {
      diagnosticsChannels.clientCreated.unsubscribe(listener);
    }
  });
});
