/** Base of every error Samsa throws on purpose; `code` is a stable machine-readable name. */
export class SamsaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * What was wrong with bytes that failed to decode. A broker maps these onto Kafka error codes
 * (see `kafkaErrorCodeForDecodeReason`); clients mostly just report them.
 */
export type DecodeFailureReason =
  /** The bytes end before the structure they announce does. */
  | 'TRUNCATED'
  /** A length or size field is negative, too small, or points past the end. */
  | 'INVALID_LENGTH'
  /** An array the message's definition does not let be null, in this version, has length -1 (null). */
  | 'NULL_ARRAY'
  /** A varint longer than 5 bytes or a varlong longer than 10. */
  | 'INVALID_VARINT'
  /** A record batch whose magic byte is not 2 (message formats v0/v1 are not supported). */
  | 'UNSUPPORTED_MAGIC'
  /** The stored CRC-32C does not match the bytes it covers. */
  | 'CRC_MISMATCH'
  /** The batch holds a different number of records than its header declares. */
  | 'RECORDS_COUNT_MISMATCH'
  /** A record inside a batch is malformed (bad framing, offsets out of sequence, ...). */
  | 'INVALID_RECORD'
  /** The batch declares a compression codec this library does not know. */
  | 'UNSUPPORTED_COMPRESSION'
  /** The compressed payload does not decompress. */
  | 'CORRUPT_COMPRESSED_DATA'
  /** Anything else that does not parse. */
  | 'MALFORMED';

export interface ProtocolDecodeErrorOptions {
  cause?: unknown;
  reason?: DecodeFailureReason;
}

/**
 * Bytes that do not decode as what they claim to be: truncated frames, lengths past the end,
 * negative sizes, over-long varints, bad checksums. `offset` is where decoding stopped.
 */
export class ProtocolDecodeError extends SamsaError {
  readonly offset: number | undefined;
  readonly reason: DecodeFailureReason;

  constructor(message: string, offset?: number, options?: ProtocolDecodeErrorOptions) {
    super('PROTOCOL_DECODE', offset === undefined ? message : `${message} (at byte ${offset})`, options);
    this.offset = offset;
    this.reason = options?.reason ?? 'MALFORMED';
  }
}
