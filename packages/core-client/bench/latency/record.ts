/**
 * What the latency benchmark's records carry and how their latencies are summarized.
 *
 * A record is `RECORD_BYTES` long; its head holds the time its send was scheduled for (open loop:
 * t0 + i / rate), the time the producer actually called send, its sequence number and its kind.
 * Times are wall-clock milliseconds with sub-millisecond precision (`performance.timeOrigin +
 * performance.now()` in Node, `time.time() * 1000` in Python: one machine, one clock). The Python
 * client (librdkafka.py) writes the same layout.
 */
import { readFileSync } from 'node:fs';

export const RECORD_BYTES = 1024;

/** Little-endian offsets in a record's value. */
const SCHEDULED_AT = 0;
const CALLED_AT = 8;
const SEQUENCE_AT = 16;
const KIND_AT = 20;

export const RecordKind = {
  /** Sent by the orchestrator until the consumer has one: the consumer is assigned and fetching. */
  Probe: 0,
  /** Sent at the target rate before the measured window (JIT, connections, buffers); not counted. */
  Warmup: 1,
  Measured: 2,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/**
 * Milliseconds this process's main thread was runnable but waiting for a CPU (Linux schedstat): how
 * much other load on the machine held it back. NaN where unavailable.
 */
export function cpuWaitMs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * Record values are cut from 1 MiB slabs: a fresh buffer per record (a producer may hold it until it is
 * written) without Node's 8 KiB pool allocating a slab every 8 records, which at 100,000 records/s cost
 * the open loop itself more CPU than some clients.
 */
const SLAB_BYTES = 1 << 20;
let slab = Buffer.alloc(0);
let slabUsed = 0;

function freshBuffer(length: number): Buffer {
  if (slabUsed + length > slab.length) {
    slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length));
    slabUsed = 0;
  }
  const value = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += length;
  return value;
}

/** A fresh record value (the producer may hold it until it is written). */
export function stampRecord(
  template: Buffer,
  scheduledAt: number,
  calledAt: number,
  sequence: number,
  kind: RecordKind,
): Buffer {
  const value = freshBuffer(template.length);
  template.copy(value);
  value.writeDoubleLE(scheduledAt, SCHEDULED_AT);
  value.writeDoubleLE(calledAt, CALLED_AT);
  value.writeUInt32LE(sequence, SEQUENCE_AT);
  value.writeUInt8(kind, KIND_AT);
  return value;
}

export interface RecordStamp {
  scheduledAt: number;
  calledAt: number;
  sequence: number;
  kind: number;
}

export function readStamp(value: Uint8Array): RecordStamp {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return {
    scheduledAt: view.getFloat64(SCHEDULED_AT, true),
    calledAt: view.getFloat64(CALLED_AT, true),
    sequence: view.getUint32(SEQUENCE_AT, true),
    kind: view.getUint8(KIND_AT),
  };
}

/** The filler every record starts from: 1 KB that does not compress to nothing. */
export function recordTemplate(): Buffer {
  const template = Buffer.alloc(RECORD_BYTES);
  for (let i = 24; i < RECORD_BYTES; i++) template[i] = (i * 31 + 7) & 0xff;
  return template;
}

/** Percentiles of a set of latencies (ms), exact: counts are bounded, so the samples are kept and sorted. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Sorts `samples[0..count)` in place and reads its percentiles (nearest rank). */
export function summarize(samples: Float64Array, count: number): LatencySummary {
  if (count === 0) return { count, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, max: Number.NaN };
  const sorted = samples.subarray(0, count).sort();
  const at = (q: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))]!;
  return { count, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[count - 1]! };
}

/** A growing array of latency samples. */
export class Samples {
  private data = new Float64Array(1 << 16);
  count = 0;

  add(ms: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = ms;
  }

  summary(): LatencySummary {
    return summarize(this.data, this.count);
  }
}
