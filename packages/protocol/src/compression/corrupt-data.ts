import { ProtocolDecodeError } from '../errors/samsa-error.js';

/** The error every codec raises for input that does not decompress. */
export function corruptCompressedData(codec: string, detail: string, cause?: unknown): ProtocolDecodeError {
  return new ProtocolDecodeError(`corrupt ${codec} data: ${detail}`, undefined, {
    reason: 'CORRUPT_COMPRESSED_DATA',
    cause,
  });
}

/** The message of whatever a third-party decoder threw. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
