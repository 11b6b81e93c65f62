/**
 * Typed failures of the storage layer. Each carries the Kafka error code the request handlers answer with.
 */
import { ErrorCode, SamsaError } from '@samsa/protocol';

export class StorageError extends SamsaError {
  /** Kafka protocol error code a handler should put in its response. */
  readonly errorCode: number = ErrorCode.UNKNOWN_SERVER_ERROR;
  readonly retriable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/** Fetch or ListOffsets/DeleteRecords outside [logStartOffset, highWatermark]. */
export class OffsetOutOfRangeError extends StorageError {
  override readonly errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;

  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly highWatermark: number,
    where: string,
  ) {
    super(
      `Offset ${offset} is out of range for ${where}: valid offsets are ${logStartOffset}..${highWatermark}. ` +
        'Reset the consumer position (auto.offset.reset) or ask ListOffsets for the earliest/latest offset.',
    );
  }
}

/** A record batch failed framing, magic or CRC32C checks. */
export class CorruptRecordError extends StorageError {
  override readonly errorCode = ErrorCode.CORRUPT_MESSAGE;
  override readonly retriable = true;
}

/** A batch larger than the topic's max.message.bytes. */
export class RecordTooLargeError extends StorageError {
  override readonly errorCode = ErrorCode.MESSAGE_TOO_LARGE;
}

/** A batch that is well-formed but not acceptable, e.g. a record without key on a compacted topic. */
export class InvalidRecordError extends StorageError {
  override readonly errorCode = ErrorCode.INVALID_RECORD;
}

/** A record timestamp outside message.timestamp.before/after.max.ms, or a client claiming LogAppendTime. */
export class InvalidTimestampError extends StorageError {
  override readonly errorCode = ErrorCode.INVALID_TIMESTAMP;
}

/** A topic configuration value that cannot be used. */
export class InvalidConfigError extends StorageError {
  override readonly errorCode = ErrorCode.INVALID_CONFIG;
}

/** A batch uses a compression codec this broker has no decompressor for. */
export class UnsupportedCompressionError extends StorageError {
  override readonly errorCode = ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
}

/** An operation on a log or state store after close() or delete(). */
export class StorageClosedError extends StorageError {
  override readonly errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
}

/** The data directory could not be read or written. */
export class KafkaStorageError extends StorageError {
  override readonly errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
  override readonly retriable = true;
}
