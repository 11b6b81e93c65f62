/**
 * Typed failures of the storage layer. Each carries the Kafka error code the request handlers answer with.
 */
import { SamsaError } from '@samsa/protocol';

export class StorageError extends SamsaError {
  /** Kafka protocol error code a handler should put in its response (-1 = UNKNOWN_SERVER_ERROR). */
  readonly errorCode: number = -1;
  readonly retriable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/** Fetch or ListOffsets/DeleteRecords outside [logStartOffset, highWatermark] (OFFSET_OUT_OF_RANGE, 1). */
export class OffsetOutOfRangeError extends StorageError {
  override readonly errorCode = 1;

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

/** A record batch failed framing, magic or CRC32C checks (CORRUPT_MESSAGE, 2). */
export class CorruptRecordError extends StorageError {
  override readonly errorCode = 2;
  override readonly retriable = true;
}

/** A batch larger than the topic's max.message.bytes (MESSAGE_TOO_LARGE, 10). */
export class RecordTooLargeError extends StorageError {
  override readonly errorCode = 10;
}

/** A batch that is well-formed but not acceptable, e.g. a record without key on a compacted topic (INVALID_RECORD, 87). */
export class InvalidRecordError extends StorageError {
  override readonly errorCode = 87;
}

/** A topic configuration value that cannot be used (INVALID_CONFIG, 40). */
export class InvalidConfigError extends StorageError {
  override readonly errorCode = 40;
}

/** A batch uses a compression codec this broker has no decompressor for (UNSUPPORTED_COMPRESSION_TYPE, 76). */
export class UnsupportedCompressionError extends StorageError {
  override readonly errorCode = 76;
}

/** An operation on a log or state store after close() or delete() (KAFKA_STORAGE_ERROR, 56). */
export class StorageClosedError extends StorageError {
  override readonly errorCode = 56;
}

/** The data directory could not be read or written (KAFKA_STORAGE_ERROR, 56). */
export class KafkaStorageError extends StorageError {
  override readonly errorCode = 56;
  override readonly retriable = true;
}
