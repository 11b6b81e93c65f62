/**
 * Everything the consumer knows about one assigned partition: where fetching stands, what is
 * buffered, what handlers finished, what is committed. Fetcher, runner and offset committer all
 * work on this one object, on the one JS thread, so no locking is needed; `fetchEpoch` guards
 * against fetch responses that were in flight while the position moved (seek, reset, revoke).
 */
import { toTopicPartitions } from '../assignors/consumer-protocol.js';
import type { TopicPartitions } from '../assignors/types.js';
import type { AutoOffsetReset } from './config.js';
import type { FetchedChunk } from './fetch/chunk-reader.js';

export class PartitionState {
  readonly key: string;

  // Fetching.
  /** Next offset to fetch, or null while it is being looked up (committed offset or reset). */
  position: bigint | null = null;
  /** Leader epoch of the partition per metadata; sent as currentLeaderEpoch (KIP-320). */
  leaderEpoch = -1;
  /** A reset (ListOffsets) is needed before fetching. */
  resetStrategy: AutoOffsetReset | null = null;
  fetchInFlight = false;
  /** Bumped whenever the position jumps; a fetch response for an older epoch is dropped. */
  fetchEpoch = 0;
  /** Earliest Date.now() the partition may be fetched again (after an error). */
  retryAt = 0;

  // Buffer.
  readonly chunks: FetchedChunk[] = [];
  bufferedBytes = 0;

  // Delivery.
  paused = false;
  /** Set once the partition is being given up: nothing more is fetched or delivered. */
  revoked = false;
  /** A handler for this partition is running. */
  processing = false;
  /** Queued in the runner's ready queue. */
  queued = false;
  /** A handler for this partition is running now (for the maxPollIntervalMs watchdog). */
  inHandler = false;
  /** Counts handler invocations, so the watchdog can tell one long call from many short ones. */
  handlerSeq = 0;

  // Offsets.
  /** One past the last record whose handler finished: what a commit sends. */
  finished: bigint | null = null;
  finishedLeaderEpoch = -1;
  /** What the group has committed for us (or what we last committed). */
  committed: bigint | null = null;
  /** Records finished since the last commit (for autoCommitThreshold). */
  uncommittedCount = 0;
  /** Consecutive handler failures, for the redelivery back-off. */
  failures = 0;

  // Lag.
  highWatermark = -1n;
  lastStableOffset = -1n;
  logStartOffset = -1n;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {
    this.key = partitionKey(topic, partition);
  }

  /** Whether the fetcher may ask for more: position known, not paused, room in the buffer. */
  fetchable(maxBufferedBytes: number, now: number): boolean {
    return (
      !this.revoked &&
      !this.paused &&
      this.position !== null &&
      this.resetStrategy === null &&
      !this.fetchInFlight &&
      this.bufferedBytes < maxBufferedBytes &&
      now >= this.retryAt
    );
  }

  /** Whether the runner has something to deliver. */
  get hasData(): boolean {
    return this.chunks.length > 0;
  }

  /** Moves fetching and delivery to `offset`, dropping buffered and in-flight data. */
  seek(offset: bigint): void {
    this.position = offset;
    this.resetStrategy = null;
    this.clearBuffer();
    this.fetchEpoch++;
  }

  /** Asks for a reset by `strategy` (ListOffsets) before fetching again. */
  requestReset(strategy: AutoOffsetReset): void {
    this.position = null;
    this.resetStrategy = strategy;
    this.clearBuffer();
    this.fetchEpoch++;
  }

  clearBuffer(): void {
    this.chunks.length = 0;
    this.bufferedBytes = 0;
  }

  append(chunk: FetchedChunk): void {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.bytes;
  }

  /** Drops the oldest chunk once delivered; returns the bytes released. */
  shiftChunk(): number {
    const chunk = this.chunks.shift();
    if (!chunk) return 0;
    this.bufferedBytes -= chunk.bytes;
    return chunk.bytes;
  }

  /** Records a handled record (or a skipped range): the next commit covers up to `nextOffset`. */
  markFinished(nextOffset: bigint, leaderEpoch: number, records: number): void {
    if (this.finished === null || nextOffset > this.finished) {
      this.finished = nextOffset;
      this.finishedLeaderEpoch = leaderEpoch;
      this.uncommittedCount += records;
    }
  }

  /** Whether there is something to commit. */
  get dirty(): boolean {
    return this.finished !== null && this.finished !== this.committed;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Partitions as `{ topic, partitions }` entries, sorted by topic and partition. */
export function topicPartitionsOf(partitions: Iterable<PartitionState>): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    let list = byTopic.get(p.topic);
    if (!list) {
      list = [];
      byTopic.set(p.topic, list);
    }
    list.push(p.partition);
  }
  return toTopicPartitions(byTopic);
}
