/**
 * The API codecs loaded so far, by API key. The package's root entry loads and registers all of
 * them up front; the `@samsa/protocol/on-demand` entry loads none, and `loadApiCodec` imports an
 * API's codec module the first time it is needed, so a process pays only for the APIs it uses.
 * Lookups are an array index: encoding and decoding cost the same either way.
 */
import type { ApiCodec } from './codec-support.js';
import { SamsaError } from './errors/samsa-error.js';
import { apiCodecLoaders, apiInfo } from './generated/apis.js';

/** An API key this package has no definition for. */
export class UnknownApiKeyError extends SamsaError {
  readonly apiKey: number;
  constructor(apiKey: number) {
    super('UNKNOWN_API_KEY', `API key ${apiKey} is not one Samsa speaks`);
    this.apiKey = apiKey;
  }
}

/** An API whose codec was not loaded yet was encoded or decoded: `await loadApiCodec(apiKey)` first. */
export class ApiCodecNotLoadedError extends SamsaError {
  readonly apiKey: number;
  constructor(apiKey: number, name: string) {
    super(
      'API_CODEC_NOT_LOADED',
      `the ${name} codec is not loaded: await loadApiCodec(${apiKey}) before encoding or decoding ${name} (or import @samsa/protocol, which loads every codec)`,
    );
    this.apiKey = apiKey;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: codecs of every API share one table
const loaded: (ApiCodec<any, any> | undefined)[] = [];
// biome-ignore lint/suspicious/noExplicitAny: codecs of every API share one table
const loading = new Map<number, Promise<ApiCodec<any, any>>>();

/** Makes a codec available to the frame encoders and decoders. */
// biome-ignore lint/suspicious/noExplicitAny: codecs of every API share one table
export function registerApiCodec(codec: ApiCodec<any, any>): void {
  loaded[codec.apiKey] = codec;
}

/** The codec of `apiKey` if it is loaded (no I/O, no import). */
// biome-ignore lint/suspicious/noExplicitAny: the caller knows the API
export function loadedApiCodec(apiKey: number): ApiCodec<any, any> | undefined {
  return loaded[apiKey];
}

/** The codec of `apiKey`, throwing UnknownApiKeyError or ApiCodecNotLoadedError when there is none loaded. */
// biome-ignore lint/suspicious/noExplicitAny: the caller knows the API
export function requireApiCodec(apiKey: number): ApiCodec<any, any> {
  const codec = loaded[apiKey];
  if (codec !== undefined) return codec;
  const info = apiInfo.get(apiKey);
  if (info === undefined) throw new UnknownApiKeyError(apiKey);
  throw new ApiCodecNotLoadedError(apiKey, info.name);
}

/** Loads (once) and registers the codec of `apiKey`; rejects with UnknownApiKeyError for a key Samsa does not speak. */
// biome-ignore lint/suspicious/noExplicitAny: the caller knows the API
export function loadApiCodec(apiKey: number): Promise<ApiCodec<any, any>> {
  const codec = loaded[apiKey];
  if (codec !== undefined) return Promise.resolve(codec);
  let pending = loading.get(apiKey);
  if (pending === undefined) {
    const load = apiCodecLoaders.get(apiKey);
    if (load === undefined) return Promise.reject(new UnknownApiKeyError(apiKey));
    pending = load().then(
      (codec) => {
        loading.delete(apiKey);
        registerApiCodec(codec);
        return codec;
      },
      (err: unknown) => {
        loading.delete(apiKey);
        throw err;
      },
    );
    loading.set(apiKey, pending);
  }
  return pending;
}
