import { DecompressionLimitError } from '../errors/decompression-limit-error.js';
import { SamsaError } from '../errors/samsa-error.js';
import { asBuffer } from './as-buffer.js';
import { type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';
import { CompressionType } from './compression-type.js';
import { corruptCompressedData, describeFailure } from './corrupt-data.js';
import { loadNativeBinding, loadPackage } from './native-binding.js';
import { summarizeZstdFrames } from './zstd-frame.js';

interface NativeZstd {
  Encoder: new (level: number) => { encodeSync(data: Buffer): Buffer; encode(data: Buffer): Promise<Buffer> };
  Decoder: new () => { decodeSync(data: Buffer): Buffer };
}

interface Fzstd {
  Decompress: new (
    onData: (chunk: Uint8Array, final?: boolean) => void,
  ) => { push(chunk: Uint8Array, final?: boolean): void };
}

interface ZstdWasm {
  init(): Promise<void>;
  compress(data: Uint8Array, level?: number): Uint8Array;
}

/**
 * Inputs at least this large are compressed on the threadpool. Measured on Node 20: the hop
 * costs ~35 µs, under 25% of the work from here up and ~1% at 1 MiB.
 */
const ASYNC_THRESHOLD = 256 * 1024;

export interface ZstdOptions {
  /** zstd level; 3 is the default of Kafka and of the zstd library. */
  level?: number;
  /** Force the WASM/JavaScript fallback even where the native binding loads. */
  javascriptOnly?: boolean;
}

/**
 * Decodes one block at a time (fzstd, pure JavaScript) and stops as soon as the output passes
 * `maxBytes`. Used without the native binding, and for payloads whose block headers allow more
 * than `maxBytes` (so only decoding tells whether they really inflate that far).
 */
function decompressStreaming(data: Uint8Array, maxBytes: number): Buffer {
  const fzstd = loadPackage<Fzstd>('fzstd');
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = new fzstd.Decompress((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new DecompressionLimitError('zstd', maxBytes);
    // fzstd may hand out views of its window, which later blocks overwrite.
    chunks.push(Buffer.from(chunk));
  });
  try {
    stream.push(data, true);
  } catch (error) {
    if (error instanceof SamsaError) throw error;
    throw corruptCompressedData('zstd', describeFailure(error), error);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * The zstd WASM build loads asynchronously, once per process (re-initialising it would swap
 * the memory under earlier users); until it has, only the async `compress` works.
 */
let wasmModule: ZstdWasm | undefined;
let wasmLoading: Promise<ZstdWasm> | undefined;

function loadWasm(): Promise<ZstdWasm> {
  wasmLoading ??= (async () => {
    const module = loadPackage<ZstdWasm>('@bokuweb/zstd-wasm');
    await module.init();
    wasmModule = module;
    return module;
  })();
  return wasmLoading;
}

function wasmCompressSync(data: Uint8Array, level: number): Buffer {
  if (wasmModule === undefined) {
    void loadWasm().catch(() => {});
    throw new SamsaError(
      'CODEC_NOT_READY',
      'the zstd WASM fallback (no native zstd binding for this platform) is still loading; ' +
        'await compressionReady() before compressing synchronously, or use the async compress',
    );
  }
  return asBuffer(wasmModule.compress(data, level));
}

export interface ZstdCodec extends CompressionCodec {
  /** Resolves once compression works synchronously (immediately with the native binding). */
  ready(): Promise<void>;
}

/** zstd with the native napi-rs binding when it loads, WASM compression and fzstd otherwise. */
export function createZstdCodec(options: ZstdOptions = {}): ZstdCodec {
  const level = options.level ?? 3;
  const native = options.javascriptOnly ? undefined : loadNativeBinding<NativeZstd>('@toondepauw/node-zstd');
  const decoder = native && new native.Decoder();

  const decompress = (data: Uint8Array, maxBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer => {
    const { maxOutput, declaredOutput } = summarizeZstdFrames(data);
    if (declaredOutput !== undefined && declaredOutput > maxBytes) {
      throw new DecompressionLimitError('zstd', maxBytes, `frames declare ${declaredOutput} bytes`);
    }
    // The native decoder inflates everything before returning, so it only gets payloads whose
    // block headers already rule out passing the limit.
    if (decoder === undefined || maxOutput > maxBytes) return decompressStreaming(data, maxBytes);
    try {
      return decoder.decodeSync(asBuffer(data));
    } catch (error) {
      throw corruptCompressedData('zstd', describeFailure(error), error);
    }
  };

  if (native !== undefined) {
    const encoder = new native.Encoder(level);
    return {
      type: CompressionType.ZSTD,
      name: 'zstd',
      implementation: 'native (@toondepauw/node-zstd)',
      compress: (data) =>
        data.length >= ASYNC_THRESHOLD ? encoder.encode(asBuffer(data)) : encoder.encodeSync(asBuffer(data)),
      compressSync: (data) => encoder.encodeSync(asBuffer(data)),
      decompress,
      ready: () => Promise.resolve(),
    };
  }
  // Start loading now so synchronous compression works by the time the first batch is built.
  void loadWasm().catch(() => {
    // Reported by the compress call that needs it.
  });
  return {
    type: CompressionType.ZSTD,
    name: 'zstd',
    implementation: 'WASM (@bokuweb/zstd-wasm) compression, JavaScript (fzstd) decompression',
    compress: async (data) => asBuffer((await loadWasm()).compress(data, level)),
    compressSync: (data) => wasmCompressSync(data, level),
    decompress,
    ready: async () => {
      await loadWasm();
    },
  };
}
