/**
 * One `send()`/`sendBatch()` call: a single promise however many messages it carries. Batches
 * report back per call segment (a run of the call's messages inside one batch); the call settles
 * when its last segment does. Per-message results are computed only if `.records` is read.
 */
import type { Message, RecordMetadata, RecordResult, SendResult } from './types.js';

/** What a call reads of a batch (a ProducerBatchState, see batch.ts) once the batch is acknowledged. */
export interface SegmentBatch {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: bigint;
  readonly logAppendTime: bigint;
  readonly logStartOffset: bigint;
}

/** A run of one call's messages inside one batch: offsets `batch.baseOffset + firstDelta ...`. */
export interface Segment {
  call: SendCall;
  batch: SegmentBatch;
  firstDelta: number;
  count: number;
  /** The call's first segment in its topic-partition: the one its result entry reports. */
  readonly first: boolean;
}

/** Numbers send calls, so a partition can tell which call appended to it last (accumulator.ts). */
let callCount = 0;

export interface CallGroup {
  topic: string;
  messages: Message<unknown, unknown>[];
  /** Index of this group's first message in `partitionOf`. */
  start: number;
}

export class SendCall {
  readonly id = ++callCount;
  readonly promise: Promise<SendResult>;
  readonly groups: CallGroup[] = [];
  /** Partition of each message in input order; null while every message went to `onlyPartition`. */
  private partitionOf: Int32Array | null = null;
  private onlyPartition = -1;
  private readonly total: number;
  readonly segments: Segment[] = [];
  /** Default timestamp for messages without one. */
  readonly now = Date.now();
  /** The transaction the call was made in (transactional producers; see transaction-manager.ts). */
  transaction = 0;
  private pending = 0;
  /** False while messages are still being appended. */
  private sealed = false;
  private error: Error | null = null;
  private settled = false;
  private resolve!: (r: SendResult) => void;
  private reject!: (e: Error) => void;

  /** `onSealed` runs once, when the call's last message is appended (or appending failed). */
  constructor(
    totalMessages: number,
    private readonly onSealed?: () => void,
  ) {
    this.total = totalMessages;
    this.promise = new Promise<SendResult>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  /** Records the partition of message `index` (messages are recorded in order). */
  setPartition(index: number, partition: number): void {
    if (this.partitionOf === null) {
      if (this.onlyPartition === -1 || index === 0) {
        this.onlyPartition = partition;
        return;
      }
      if (this.onlyPartition === partition) return;
      this.partitionOf = new Int32Array(this.total).fill(this.onlyPartition, 0, index);
    }
    this.partitionOf[index] = partition;
  }

  partitionAt(index: number): number {
    return this.partitionOf === null ? this.onlyPartition : this.partitionOf[index];
  }

  /** `first`: the call has no segment in the batch's topic-partition yet. */
  addSegment(batch: SegmentBatch, firstDelta: number, first: boolean): Segment {
    const s: Segment = { call: this, batch, firstDelta, count: 1, first };
    this.segments.push(s);
    this.pending++;
    return s;
  }

  /** A batch was split (MESSAGE_TOO_LARGE): `after`'s records continue in another batch. */
  insertSegmentAfter(after: Segment, batch: SegmentBatch, firstDelta: number, count: number): Segment {
    const s: Segment = { call: this, batch, firstDelta, count, first: false };
    this.segments.splice(this.segments.indexOf(after) + 1, 0, s);
    this.pending++;
    return s;
  }

  /** All messages are appended; settle now if every segment already finished. */
  seal(): void {
    if (!this.sealed) {
      this.sealed = true;
      this.onSealed?.();
    }
    this.maybeSettle();
  }

  /** Appending failed half way: fail the call once the segments already handed over finish. */
  abort(err: Error): void {
    if (!this.error) this.error = err;
    this.seal();
  }

  segmentDone(err: Error | null): void {
    this.pending--;
    if (err && !this.error) this.error = err;
    this.maybeSettle();
  }

  private maybeSettle(): void {
    if (!this.sealed || this.pending > 0 || this.settled) return;
    this.settled = true;
    if (this.error) this.reject(this.error);
    else this.resolve(this.buildResult());
  }

  private buildResult(): SendResult {
    const out = new SendResultArray();
    out.attach(this);
    // One entry per topic-partition, from the call's first segment there (segments are in append order).
    for (const s of this.segments) if (s.first) out.push(metadataOf(s));
    return out;
  }

  /** Per-message results (computed on first read of `SendResult.records`). */
  computeRecords(): RecordResult[] {
    // Segments per topic-partition in append order; walk messages in input order with a cursor each.
    const cursors = new Map<string, { list: Segment[]; i: number; used: number }>();
    for (const s of this.segments) {
      const key = `${s.batch.topic}\u0000${s.batch.partition}`;
      let c = cursors.get(key);
      if (!c) {
        c = { list: [], i: 0, used: 0 };
        cursors.set(key, c);
      }
      c.list.push(s);
    }
    const out: RecordResult[] = [];
    for (const g of this.groups) {
      for (let j = 0; j < g.messages.length; j++) {
        const partition = this.partitionAt(g.start + j);
        const c = cursors.get(`${g.topic}\u0000${partition}`)!;
        let s = c.list[c.i];
        if (c.used >= s.count) {
          c.i++;
          c.used = 0;
          s = c.list[c.i];
        }
        const b = s.batch;
        const offset = b.baseOffset < 0n ? '-1' : (b.baseOffset + BigInt(s.firstDelta + c.used)).toString();
        c.used++;
        const ts = g.messages[j].timestamp;
        out.push({
          topic: g.topic,
          partition,
          offset,
          timestamp: b.logAppendTime >= 0n ? b.logAppendTime.toString() : String(ts ?? this.now),
        });
      }
    }
    return out;
  }
}

/**
 * KafkaJS's result array with a lazy `records` getter on the prototype (no per-result property
 * definitions, nothing computed unless read).
 */
class SendResultArray extends Array<RecordMetadata> implements SendResult {
  // True private fields: invisible to enumeration, JSON and deep equality.
  #call: SendCall | null = null;
  #records: RecordResult[] | null = null;

  attach(call: SendCall): void {
    this.#call = call;
  }

  get records(): RecordResult[] {
    if (this.#records === null) this.#records = this.#call ? this.#call.computeRecords() : [];
    return this.#records;
  }

  static override get [Symbol.species]() {
    return Array;
  }
}

function metadataOf(s: Segment): RecordMetadata {
  const b = s.batch;
  return {
    topicName: b.topic,
    partition: b.partition,
    errorCode: 0,
    baseOffset: b.baseOffset < 0n ? '-1' : (b.baseOffset + BigInt(s.firstDelta)).toString(),
    logAppendTime: b.logAppendTime < 0n ? '-1' : b.logAppendTime.toString(),
    logStartOffset: b.logStartOffset < 0n ? '-1' : b.logStartOffset.toString(),
  };
}
