/**
 * The message browser: the first records of a topic from its beginning, an offset or a time, or its newest ones,
 * on one partition or all, optionally filtered. It reads round by round (forward from the start, or backward from
 * the end) until it has `limit` matching records, every partition is read, or it has scanned enough; then merges
 * the partitions by timestamp.
 */
import type { KafkaMessage } from '@samsa/core-client';
import type { BrowseQuery, BrowseResult, RecordView } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';
import { type OffsetRange, PartitionReader } from './partition-reader.js';
import { type RecordFilter, recordFilter } from './record-filter.js';
import { toRecordView } from './record-view.js';

export const DEFAULT_BROWSE_LIMIT = 100;
export const MAX_BROWSE_LIMIT = 1000;
/** With a filter, stop after scanning this many records (the answer says how many it scanned). */
const MAX_SCANNED = 50_000;
const BROWSE_TIME_MS = 10_000;

interface Cursor {
  partition: number;
  start: bigint;
  end: bigint;
  /** Forward: the next offset to read. Backward: one past the next offset to read. */
  next: bigint;
}

export async function browseMessages(
  ctx: OperationsContext,
  topic: string,
  query: BrowseQuery,
  signal?: AbortSignal,
): Promise<BrowseResult> {
  const limit = query.limit ?? DEFAULT_BROWSE_LIMIT;
  const filter = recordFilter(query);
  const watermarks = await ctx.admin.fetchTopicOffsets(topic, { signal: ctx.signal(signal) });
  let selected = watermarks;
  if (query.partition !== undefined) {
    selected = watermarks.filter((w) => w.partition === query.partition);
    if (selected.length === 0) {
      throw new ApiError(
        404,
        'PARTITION_NOT_FOUND',
        `${topic} has no partition ${query.partition} (it has ${watermarks.length})`,
      );
    }
  }
  const starts = await startOffsets(ctx, topic, query, signal);
  const cursors: Cursor[] = selected.map((w) => {
    const start = BigInt(w.low);
    const end = BigInt(w.high);
    const from = query.from === 'end' ? end : clamp(starts(w.partition) ?? start, start, end);
    return { partition: w.partition, start, end, next: from };
  });
  const backward = query.from === 'end';
  const reader = new PartitionReader(
    ctx.kafka,
    topic,
    cursors.map((c) => c.partition),
  );
  const deadline = Date.now() + BROWSE_TIME_MS;
  const found: { message: KafkaMessage; view: RecordView }[] = [];
  let scanned = 0;
  let complete = true;
  try {
    // The first round reads `limit` from every partition, so merging by time gives the right first (or last) ones.
    let chunk = BigInt(filter ? Math.max(limit, 500) : limit);
    while (found.length < limit && scanned < MAX_SCANNED) {
      const ranges = cursors.flatMap((c): OffsetRange[] => {
        if (backward ? c.next <= c.start : c.next >= c.end) return [];
        return backward
          ? [{ partition: c.partition, from: max(c.start, c.next - chunk), to: c.next }]
          : [{ partition: c.partition, from: c.next, to: min(c.end, c.next + chunk) }];
      });
      if (ranges.length === 0) break;
      if (Date.now() >= deadline || signal?.aborted) {
        complete = false;
        break;
      }
      const read = await reader.read(ranges, deadline);
      for (const range of ranges) {
        const cursor = cursors.find((c) => c.partition === range.partition)!;
        const messages = read.records.get(range.partition) ?? [];
        scanned += messages.length;
        if (read.complete) cursor.next = backward ? range.from : range.to;
        else if (messages.length > 0) {
          cursor.next = backward
            ? BigInt(messages[0]!.offset)
            : BigInt(messages[messages.length - 1]!.offset) + 1n;
        }
        for (const message of messages) {
          const view = await toRecordView(ctx.display, topic, message);
          if (!filter || filter(view)) found.push({ message, view });
        }
      }
      if (!read.complete) {
        complete = false;
        break;
      }
      if (!filter) break;
      chunk *= 2n;
    }
  } finally {
    await reader.close();
  }
  const records = pick(
    found.map((f) => f.view),
    limit,
    backward,
  );
  const reachedEnd = complete && cursors.every((c) => (backward ? c.next <= c.start : c.next >= c.end));
  return {
    records,
    scanned,
    reachedEnd,
    nextOffsets: cursors.map((c) => ({
      partition: c.partition,
      offset: (backward ? c.end : c.next).toString(),
    })),
  };
}

/** Where each partition starts for from=offset|timestamp (undefined: its log start). */
async function startOffsets(
  ctx: OperationsContext,
  topic: string,
  query: BrowseQuery,
  signal?: AbortSignal,
): Promise<(partition: number) => bigint | undefined> {
  if (query.from === 'offset') {
    if (query.offset === undefined || !/^\d+$/.test(query.offset)) {
      throw new ApiError(400, 'INVALID_REQUEST', 'from=offset needs offset=<a non-negative integer>');
    }
    // The same offset on every selected partition, clamped into each log.
    const offset = BigInt(query.offset);
    return () => offset;
  }
  const out = new Map<number, bigint>();
  if (query.from === 'timestamp') {
    if (query.timestamp === undefined || !Number.isSafeInteger(query.timestamp) || query.timestamp < 0) {
      throw new ApiError(
        400,
        'INVALID_REQUEST',
        'from=timestamp needs timestamp=<milliseconds since the epoch>',
      );
    }
    const byTime = await ctx.admin.fetchTopicOffsetsByTimestamp(topic, query.timestamp, {
      signal: ctx.signal(signal),
    });
    for (const { partition, offset } of byTime) out.set(partition, BigInt(offset));
  }
  return (partition) => out.get(partition);
}

/** The first (forward) or last (backward) `limit` records by time, oldest first. */
function pick(records: RecordView[], limit: number, backward: boolean): RecordView[] {
  const sorted = [...records].sort(
    (a, b) => a.timestamp - b.timestamp || a.partition - b.partition || compareOffsets(a.offset, b.offset),
  );
  return backward ? sorted.slice(Math.max(0, sorted.length - limit)) : sorted.slice(0, limit);
}

function compareOffsets(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export type { RecordFilter };
