import { ErrorCode } from './error-code.js';
import type { DecodeFailureReason } from './samsa-error.js';

/**
 * The Kafka error code a broker answers a produce request with when the batch fails to decode,
 * following Kafka's LogValidator: checksum and framing problems are CORRUPT_MESSAGE, problems
 * with the records themselves INVALID_RECORD.
 */
export function kafkaErrorCodeForDecodeFailure(reason: DecodeFailureReason): number {
  switch (reason) {
    case 'RECORDS_COUNT_MISMATCH':
    case 'INVALID_RECORD':
    // Produce v3+ may carry only magic-2 batches; Kafka rejects others as invalid records.
    case 'UNSUPPORTED_MAGIC':
      return ErrorCode.INVALID_RECORD;
    case 'UNSUPPORTED_COMPRESSION':
      return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
    default:
      return ErrorCode.CORRUPT_MESSAGE;
  }
}
