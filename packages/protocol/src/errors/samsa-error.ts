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
 * Bytes that do not decode as what they claim to be: truncated frames, lengths past the end,
 * negative sizes, over-long varints, bad checksums. `offset` is where decoding stopped.
 */
export class ProtocolDecodeError extends SamsaError {
  readonly offset: number | undefined;

  constructor(message: string, offset?: number, options?: { cause?: unknown }) {
    super('PROTOCOL_DECODE', offset === undefined ? message : `${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}
