import type { RecordBatchHeader } from './batch-header.js';
import { BatchField, CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from './batch-layout.js';

function attributesOf(batch: Uint8Array | RecordBatchHeader, offset: number): number {
  if (batch instanceof Uint8Array)
    return (batch[offset + BatchField.attributes] << 8) | batch[offset + BatchField.attributes + 1];
  return batch.attributes;
}

/** Whether the batch holds control records (transaction markers); consumers never surface those. */
export function isControlBatch(batch: Uint8Array | RecordBatchHeader, offset = 0): boolean {
  return (attributesOf(batch, offset) & CONTROL_FLAG_MASK) !== 0;
}

/** Whether the batch was written inside a transaction. */
export function isTransactional(batch: Uint8Array | RecordBatchHeader, offset = 0): boolean {
  return (attributesOf(batch, offset) & TRANSACTIONAL_FLAG_MASK) !== 0;
}
