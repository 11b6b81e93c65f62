import { ApiKey, type FetchRequest, type FetchResponse } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { buildBatch, numberedRecords } from '@samsa/test-support/record-batches';
import { describe, expect, it } from 'vitest';
import { NoOffsetForPartitionError } from '../../../src/consumer/errors.js';
import { Fetcher, type FetcherConfig } from '../../../src/consumer/fetch/fetcher.js';
import { PartitionState } from '../../../src/consumer/partition-state.js';
import { ErrorCode } from '../../../src/errors.js';
import { nullLogger } from '../../../src/logger.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

/** Ten records of 120 bytes: one batch a bit over maxPartitionFetchBytes (1000). */
const big = (offset: bigint) => buildBatch(numberedRecords('x'.repeat(119), 10), { baseOffset: offset });

const config: FetcherConfig = {
  fetchMinBytes: 1,
  fetchMaxBytes: 1 << 20,
  maxPartitionFetchBytes: 1000,
  fetchMaxWaitMs: 200,
  isolationLevel: 'read_uncommitted',
  clientRack: null,
  retryBackoffMs: 5,
  maxBufferedBytes: 1 << 20,
  requestTimeoutMs: 1000,
  autoOffsetReset: 'earliest',
  // Sessions have their own tests (fetcher.sessions.test.ts); these pipeline two fetches per broker.
  fetchSessions: false,
  logger: nullLogger,
};

type PartitionAnswer = Partial<FetchResponse['responses'][number]['partitions'][number]>;

function respond(
  req: FetchRequest,
  version: number,
  answer: (topic: string, partition: number, offset: bigint) => PartitionAnswer,
): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: req.topics.map((t) => ({
      topic: version >= 13 ? '' : t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partition,
        errorCode: 0,
        highWatermark: 1000n,
        lastStableOffset: 1000n,
        logStartOffset: 0n,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: null,
        ...answer(t.topic!, p.partition, p.fetchOffset),
      })),
    })),
  };
}

async function setup(
  answer: (topic: string, partition: number, offset: bigint) => PartitionAnswer,
  options: { version?: number; partitions?: number; config?: Partial<FetcherConfig> } = {},
) {
  const cluster = new FakeCluster({ t: options.partitions ?? 2 });
  await cluster.metadata.refresh(['t']);
  cluster.on(ApiKey.Fetch, (req, version) => respond(req, version, answer), options.version ?? 11);
  const partitions = Array.from({ length: options.partitions ?? 2 }, (_, i) => new PartitionState('t', i));
  for (const p of partitions) p.seek(0n);
  const events = { data: [] as number[], resets: 0, errors: [] as Error[] };
  const fetcher = new Fetcher(
    cluster,
    { ...config, ...options.config },
    {
      partitions: () => partitions,
      onData: (p) => events.data.push(p.partition),
      onResetNeeded: () => events.resets++,
      onError: (err) => events.errors.push(err),
      onCorruptData: () => {},
    },
  );
  return { cluster, partitions, fetcher, events };
}

describe('Fetcher', () => {
  it('prefetches up to two responses per partition, then waits for the runner to drain', async () => {
    const { partitions, fetcher, events, cluster } = await setup((_t, _p, offset) => ({
      records: big(offset),
      highWatermark: 1_000_000n,
    }));
    fetcher.start();
    await waitFor('two chunks prefetched per partition', () =>
      partitions.every((p) => p.chunks.length === 2),
    );
    await new Promise((r) => setTimeout(r, 30));
    const fetches = cluster.requests(ApiKey.Fetch).length;
    expect(partitions.every((p) => p.chunks.length === 2)).toBe(true);
    expect(partitions[0].chunks[1].fetchOffset).toBe(10n);
    // Draining one chunk of partition 0 lets it fetch again (alone).
    const released = partitions[0].shiftChunk();
    fetcher.released(released);
    await waitFor('two chunks prefetched for partition 0', () => partitions[0].chunks.length === 2);
    expect(cluster.requests(ApiKey.Fetch).length).toBe(fetches + 1);
    const last = cluster.requests(ApiKey.Fetch).at(-1)!.body as FetchRequest;
    expect(last.topics[0].partitions.map((p) => [p.partition, p.fetchOffset])).toEqual([[0, 20n]]);
    expect(events.data.length).toBeGreaterThanOrEqual(5);
    await fetcher.stop();
  });

  it('fetches partitions drained in the same turn again in one request', async () => {
    const { partitions, fetcher, cluster } = await setup(
      (_t, _p, offset) => ({ records: big(offset), highWatermark: 1_000_000n }),
      { partitions: 6 },
    );
    fetcher.start();
    await waitFor('two chunks prefetched per partition', () =>
      partitions.every((p) => p.chunks.length === 2),
    );
    await new Promise((r) => setTimeout(r, 30));
    const before = cluster.requests(ApiKey.Fetch).length;
    // The runner hands on one chunk of every partition, one delivery after another.
    for (const p of partitions) fetcher.released(p.shiftChunk());
    await waitFor('refilled', () => partitions.every((p) => p.chunks.length === 2));
    const sent = cluster.requests(ApiKey.Fetch).slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as FetchRequest).topics[0].partitions.map((p) => p.partition)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    await fetcher.stop();
  });

  it('holds caught-up partitions back while others drain, so no long poll blocks them', async () => {
    // Partition 0 has data without end; partition 1 is caught up (high watermark = position).
    const { partitions, fetcher, cluster } = await setup((_t, p, offset) =>
      p === 0 ? { records: big(offset), highWatermark: 1_000_000n } : { highWatermark: 0n },
    );
    fetcher.start();
    await waitFor('two chunks prefetched for partition 0', () => partitions[0].chunks.length === 2);
    const before = cluster.requests(ApiKey.Fetch).length;
    await new Promise((r) => setTimeout(r, 50));
    // Nothing was sent for partition 1 alone while partition 0 waits to drain.
    expect(cluster.requests(ApiKey.Fetch).length).toBe(before);
    // After fetchMaxWaitMs it is polled, briefly.
    await waitFor('another fetch', () => cluster.requests(ApiKey.Fetch).length > before);
    const poll = cluster.requests(ApiKey.Fetch).at(-1)!.body as FetchRequest;
    expect(poll.topics[0].partitions.map((p) => p.partition)).toEqual([1]);
    expect(poll.maxWaitMs).toBeLessThan(config.fetchMaxWaitMs);
    await fetcher.stop();
  });

  it('does not long-poll caught-up partitions while another fetch to the broker is out', async () => {
    // A broker holds a fetch of caught-up partitions for its maxWaitMs and answers a connection's
    // requests in order: such a fetch sent behind one for partition 0 would keep partition 0 from
    // being fetched again until the long poll ends.
    const cluster = new FakeCluster({ t: 2 });
    await cluster.metadata.refresh(['t']);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    cluster.on(
      ApiKey.Fetch,
      async (req, v) => {
        const asked = req.topics.flatMap((t) => t.partitions.map((p) => p.partition));
        if (asked.includes(0)) await sleep(30);
        else if (req.maxWaitMs > 10) await sleep(req.maxWaitMs);
        return respond(req, v, (_t, p, offset) =>
          p === 0 ? { records: big(offset), highWatermark: 1_000_000n } : { highWatermark: 0n },
        );
      },
      11,
    );
    const partitions = [new PartitionState('t', 0), new PartitionState('t', 1)];
    for (const p of partitions) p.seek(0n);
    // Partition 1 is caught up and its buffer is full: only partition 0 goes out first.
    partitions[1].highWatermark = 0n;
    partitions[1].append({
      records: Buffer.alloc(0),
      fetchOffset: 0n,
      nextOffset: 0n,
      abortedTransactions: null,
      highWatermark: 0n,
      bytes: 2 * config.maxPartitionFetchBytes,
    });
    const fetcher = new Fetcher(
      cluster,
      { ...config, fetchMaxWaitMs: 1000 },
      {
        partitions: () => partitions,
        onData: () => {},
        onResetNeeded: () => {},
        onError: () => {},
        onCorruptData: () => {},
      },
    );
    fetcher.start();
    fetcher.recount();
    await waitFor('the first fetch', () => cluster.requests(ApiKey.Fetch).length === 1);
    // Partition 1 drains while partition 0's fetch is out.
    fetcher.released(partitions[1].shiftChunk());
    // Partition 0 is fetched again as soon as its answer is in, well before a long poll would end.
    const fetchesOf0 = () =>
      cluster
        .requests(ApiKey.Fetch)
        .filter((r) => (r.body as FetchRequest).topics[0].partitions.some((p) => p.partition === 0)).length;
    await waitFor('a second fetch of partition 0', () => fetchesOf0() >= 2);
    const sent = cluster.requests(ApiKey.Fetch).map((r) => r.body as FetchRequest);
    expect(sent.every((r) => r.topics[0].partitions.some((p) => p.partition === 0))).toBe(true);
    expect(sent[1].topics[0].partitions.map((p) => p.partition)).toEqual([0, 1]);
    await fetcher.stop();
  });

  it('drops a response for a partition that moved while the fetch was out', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const cluster = new FakeCluster({ t: 1 });
    await cluster.metadata.refresh(['t']);
    cluster.on(
      ApiKey.Fetch,
      async (req, v) => {
        await gate;
        return respond(req, v, (_t, _p, offset) => ({
          records: buildBatch(numberedRecords('v', 5), { baseOffset: offset }),
        }));
      },
      11,
    );
    const p = new PartitionState('t', 0);
    p.seek(0n);
    const fetcher = new Fetcher(cluster, config, {
      partitions: () => [p],
      onData: () => {},
      onResetNeeded: () => {},
      onError: () => {},
      onCorruptData: () => {},
    });
    fetcher.start();
    await waitFor('the first fetch', () => cluster.requests(ApiKey.Fetch).length === 1);
    p.seek(100n);
    release();
    await waitFor('a chunk', () => p.chunks.length > 0);
    expect(p.chunks[0].fetchOffset).toBe(100n);
    await fetcher.stop();
  });

  it('asks for a reset on OFFSET_OUT_OF_RANGE, and reports it when autoOffsetReset is none', async () => {
    const a = await setup(() => ({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }), { partitions: 1 });
    a.fetcher.start();
    await waitFor('an offset reset', () => a.events.resets > 0);
    expect(a.partitions[0].resetStrategy).toBe('earliest');
    expect(a.partitions[0].position).toBeNull();
    await a.fetcher.stop();

    const b = await setup(() => ({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }), {
      partitions: 1,
      config: { autoOffsetReset: 'none' },
    });
    b.fetcher.start();
    await waitFor('an error', () => b.events.errors.length > 0);
    expect(b.events.errors[0]).toBeInstanceOf(NoOffsetForPartitionError);
    await b.fetcher.stop();
  });

  it('backs off and refreshes metadata on NOT_LEADER_OR_FOLLOWER; surfaces non-retriable errors', async () => {
    let calls = 0;
    const a = await setup(
      (_t, _p, offset) =>
        ++calls <= 2
          ? { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }
          : { records: buildBatch([{ value: 'x' }], { baseOffset: offset }) },
      { partitions: 1 },
    );
    a.fetcher.start();
    await waitFor('a chunk for partition 0', () => a.partitions[0].chunks.length > 0);
    expect(calls).toBeGreaterThanOrEqual(3);
    await a.fetcher.stop();

    const b = await setup(() => ({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }), { partitions: 1 });
    b.fetcher.start();
    await waitFor('an error', () => b.events.errors.length > 0);
    expect(b.events.errors[0].message).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    await b.fetcher.stop();
  });

  it('names topics by id from Fetch v13 and asks for read_committed when configured', async () => {
    const { partitions, fetcher, cluster } = await setup(
      (_t, _p, offset) => ({ records: buildBatch([{ value: 'a' }, { value: 'b' }], { baseOffset: offset }) }),
      {
        version: 13,
        partitions: 1,
        config: { isolationLevel: 'read_committed' },
      },
    );
    fetcher.start();
    await waitFor('a chunk for partition 0', () => partitions[0].chunks.length > 0);
    const req = cluster.requests(ApiKey.Fetch)[0].body as FetchRequest;
    expect(req.topics[0].topicId).toBe('AQEBAQEBAQEBAQEBAQEBAQ');
    expect(req.isolationLevel).toBe(1);
    expect(cluster.requests(ApiKey.Fetch)[0].purpose).toBe('fetch');
    await fetcher.stop();
  });
});
