import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Setting SAMSA_DISABLE_NATIVE=1 makes every codec use its JavaScript/WASM fallback, as on a
 * platform without prebuilt binaries; tests and benchmarks use it to exercise those paths.
 */
export const nativeDisabled = process.env.SAMSA_DISABLE_NATIVE === '1';

/**
 * Loads an optional native package, or returns undefined when it has no binary for this
 * platform (napi-rs packages throw at require time then) or native code is disabled.
 */
export function loadNativeBinding<T>(packageName: string): T | undefined {
  if (nativeDisabled) return undefined;
  try {
    return require(packageName) as T;
  } catch {
    return undefined;
  }
}

/** Loads a pure JavaScript/WASM dependency (always present). */
export function loadPackage<T>(packageName: string): T {
  return require(packageName) as T;
}
