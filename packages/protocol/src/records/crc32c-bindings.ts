/**
 * Native CRC-32C implementations, fastest first. Measured on the 2-core dev machine (1 MiB input):
 *
 * - aws-crt (optional peer dependency; the dev broker installs it): the CPU's crc32 and clmul
 *   instructions, ~24-27 GB/s.
 * - @node-rs/crc32 (a dependency): ~4-6 GB/s.
 *
 * aws-crt's binary is loaded directly: its package entry point also loads its HTTP and MQTT
 * clients and runs `ldd --version` in a child process to choose between glibc and musl builds.
 * Here a build that does not fit the C library just fails to load, and the next one is tried.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadNativeBinding, nativeDisabled } from '../compression/native-binding.js';

const require = createRequire(import.meta.url);

/** Continues `initialState` (a previous result, 0 to start) over all of `input`. */
export type Crc32cFunction = (input: Uint8Array, initialState: number) => number;

export interface Crc32cBinding {
  name: string;
  crc32c: Crc32cFunction;
}

interface AwsCrtBinary {
  checksums_crc32c(input: Uint8Array, previous: number): number;
}

interface NodeRsCrc32 {
  crc32c(input: Uint8Array, initialState?: number): number;
}

function loadAwsCrt(): Crc32cBinding | undefined {
  let root: string;
  try {
    root = path.dirname(require.resolve('aws-crt/package.json'));
  } catch {
    return undefined;
  }
  const runtimes = process.platform === 'linux' ? ['glibc', 'musl'] : ['cruntime'];
  for (const runtime of runtimes) {
    const file = path.join(
      root,
      'dist',
      'bin',
      `${process.platform}-${process.arch}-${runtime}`,
      'aws-crt-nodejs.node',
    );
    try {
      const binary = require(file) as AwsCrtBinary;
      if (typeof binary.checksums_crc32c !== 'function') return undefined;
      return {
        name: 'aws-crt',
        crc32c: (input, initialState) => binary.checksums_crc32c(input, initialState),
      };
    } catch {
      // Not built for this platform or C library.
    }
  }
  return undefined;
}

function loadNodeRs(): Crc32cBinding | undefined {
  const binding = loadNativeBinding<NodeRsCrc32>('@node-rs/crc32');
  return (
    binding && {
      name: '@node-rs/crc32',
      crc32c: (input, initialState) => binding.crc32c(input, initialState),
    }
  );
}

/** Fastest first. */
const LOADERS = [loadAwsCrt, loadNodeRs];

/** The fastest native implementation that loads here (none with SAMSA_DISABLE_NATIVE=1). */
export function loadFastestCrc32cBinding(): Crc32cBinding | undefined {
  if (nativeDisabled) return undefined;
  for (const load of LOADERS) {
    const binding = load();
    if (binding) return binding;
  }
  return undefined;
}

/** Every native implementation that loads here, fastest first (for tests and benchmarks). */
export function loadCrc32cBindings(): Crc32cBinding[] {
  if (nativeDisabled) return [];
  return LOADERS.map((load) => load()).filter((binding) => binding !== undefined);
}
