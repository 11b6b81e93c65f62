import { SamsaError } from './samsa-error.js';

/**
 * A compressed payload inflates past the configured limit. Raised before the oversized output
 * is held in memory, so a decompression bomb costs at most `maxBytes`.
 */
export class DecompressionLimitError extends SamsaError {
  readonly codec: string;
  readonly maxBytes: number;

  constructor(codec: string, maxBytes: number, detail?: string) {
    super(
      'DECOMPRESSION_LIMIT',
      `${codec} payload decompresses to more than ${maxBytes} bytes${detail ? ` (${detail})` : ''}; ` +
        'raise maxDecompressedBytes if such large batches are expected, otherwise treat the data as hostile',
    );
    this.codec = codec;
    this.maxBytes = maxBytes;
  }
}
