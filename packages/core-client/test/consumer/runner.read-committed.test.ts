/**
 * Delivery of transactional data by the runner: aborted records and markers never reach handlers,
 * eachBatch batches leave them out, and the finished (committable) position moves past a marker
 * at the end of the fetched data, so a caught-up consumer's lag is 0.
 */
import { buildControlBatch, RecordBatchBuilder } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { scanBatches } from '../../src/consumer/fetch/batch-scan.js';
import type { Batch, EachBatchPayload } from '../../src/consumer/message.js';
import { PartitionState } from '../../src/consumer/partition-state.js';
import { Runner, type RunnerHooks } from '../../src/consumer/runner.js';
import { nullLogger } from '../../src/logger.js';

const txn = (base: bigint, pid: bigint, values: string[]) => {
  const b = new RecordBatchBuilder({
    baseOffset: base,
    transactional: true,
    producerId: pid,
    producerEpoch: 0,
  });
  for (const v of values) b.append({ key: null, value: v, timestamp: 1 });
  return b.build();
};
const marker = (offset: bigint, pid: bigint, type: 'COMMIT' | 'ABORT') =>
  buildControlBatch({ type, producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, baseOffset: offset });

/**
 * Offsets: 0-1 aborted (pid 1), 2 its ABORT marker, 3-4 committed (pid 2), 5 its COMMIT marker.
 * Fetch response lists pid 1's transaction as aborted.
 */
function partitionWithTransactions(): PartitionState {
  const records = Buffer.concat([
    txn(0n, 1n, ['gone-0', 'gone-1']),
    marker(2n, 1n, 'ABORT'),
    txn(3n, 2n, ['kept-3', 'kept-4']),
    marker(5n, 2n, 'COMMIT'),
  ]);
  const scan = scanBatches(records);
  const p = new PartitionState('t', 0);
  p.position = scan.nextOffset;
  p.append({
    records,
    fetchOffset: 0n,
    nextOffset: scan.nextOffset,
    abortedTransactions: [{ producerId: 1n, firstOffset: 0n }],
    highWatermark: 6n,
    bytes: scan.bytes,
  });
  return p;
}

function runner(options: {
  eachMessage?: (v: string) => void;
  eachBatch?: (payload: EachBatchPayload) => void;
  autoResolve?: boolean;
}) {
  const hooks: RunnerHooks = {
    released: () => {},
    bufferDropped: () => {},
    finished: () => {},
    handlerFailed: (err) => {
      throw err;
    },
    batchCorrupt: (failure) => {
      throw new Error(`unexpected corrupt batch: ${failure.reason}`);
    },
    commitOffsetsIfNecessary: async () => {},
    uncommittedOffsets: () => ({ topics: [] }),
    pause: () => () => {},
    isRunning: () => true,
  };
  return new Runner<Buffer | null, Buffer | null>(
    {
      eachMessage: options.eachMessage
        ? ({ message }) => options.eachMessage!(message.value!.toString())
        : undefined,
      eachBatch: options.eachBatch,
      concurrency: 1,
      eachBatchAutoResolve: options.autoResolve ?? true,
      keyDeserializer: null,
      valueDeserializer: null,
      readCommitted: true,
      checkCrcs: true,
      redeliveryDelayMs: () => 10,
      logger: nullLogger,
    },
    hooks,
  );
}

describe('runner with read_committed data', () => {
  it('eachMessage: only committed records; the position ends past the final marker', async () => {
    const seen: string[] = [];
    const p = partitionWithTransactions();
    const r = runner({ eachMessage: (v) => void seen.push(v) });
    r.enqueue(p);
    await new Promise((resolve) => setImmediate(resolve));
    await r.waitIdle();
    expect(seen).toEqual(['kept-3', 'kept-4']);
    expect(p.finished).toBe(6n);
  });

  it('eachBatch: the batch leaves markers and aborted records out and says where to continue', async () => {
    let batch: Batch | null = null;
    const p = partitionWithTransactions();
    const r = runner({
      eachBatch: (payload) => {
        batch = payload.batch;
      },
    });
    r.enqueue(p);
    await new Promise((resolve) => setImmediate(resolve));
    await r.waitIdle();
    const b = batch as unknown as Batch;
    expect(b.messages.map((m) => [m.offset, m.value?.toString()])).toEqual([
      ['3', 'kept-3'],
      ['4', 'kept-4'],
    ]);
    expect(b.lastOffset()).toBe('4');
    expect(b.nextOffset()).toBe('6');
    expect(p.finished).toBe(6n);
  });

  it('eachBatch without auto-resolve: resolving every message also covers the marker after them', async () => {
    const run = async (resolveAll: boolean) => {
      const p = partitionWithTransactions();
      const r = runner({
        autoResolve: false,
        eachBatch: ({ batch, resolveOffset }) => {
          const last = resolveAll ? batch.messages.length - 1 : 0;
          resolveOffset(batch.messages[last]!.offset);
        },
      });
      r.enqueue(p);
      await new Promise((resolve) => setImmediate(resolve));
      await r.waitIdle();
      return p.finished;
    };
    expect(await run(true)).toBe(6n);
    expect(await run(false)).toBe(4n);
  });
});
