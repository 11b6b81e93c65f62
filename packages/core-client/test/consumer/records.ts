/** Builds record batches for consumer tests. */
import {
  buildControlBatch,
  patchBaseOffset,
  RecordBatchBuilder,
  type RecordBatchBuilderOptions,
} from '@samsa/protocol';

export { buildControlBatch };

export interface TestRecord {
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
  timestamp?: number;
}

/** One batch starting at `baseOffset` holding `records` (offsets baseOffset, baseOffset+1, ...). */
export function batch(
  baseOffset: bigint | number,
  records: (TestRecord | string)[],
  options: RecordBatchBuilderOptions = {},
): Buffer {
  const builder = new RecordBatchBuilder({ ...options, baseOffset: BigInt(baseOffset) });
  for (const r of records) {
    const rec = typeof r === 'string' ? { value: r } : r;
    builder.append({
      key: rec.key ?? null,
      value: rec.value,
      headers: rec.headers,
      timestamp: rec.timestamp ?? 1_700_000_000_000,
    });
  }
  const out = builder.build();
  patchBaseOffset(out, 0, BigInt(baseOffset));
  return out;
}

/** Transaction marker at `offset`. */
export function marker(offset: bigint | number, type: 'COMMIT' | 'ABORT', producerId: bigint): Buffer {
  return buildControlBatch({
    type,
    producerId,
    producerEpoch: 0,
    coordinatorEpoch: 0,
    baseOffset: BigInt(offset),
  });
}

/** `n` records valued `${prefix}${i}`. */
export function values(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}
