import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crc32cJs } from '../../src/records/crc32c.js';

const compressionIndex = fileURLToPath(new URL('../../src/compression/index.ts', import.meta.url));
const crcModule = fileURLToPath(new URL('../../src/records/crc32c.ts', import.meta.url));

/** Runs a snippet in a fresh Node process (native bindings are chosen at load time). */
function runIsolated(source: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe('SAMSA_DISABLE_NATIVE=1', () => {
  it('makes every codec and the CRC use their JavaScript/WASM fallbacks, which still work', () => {
    const source = `
      const c = await import(${JSON.stringify(compressionIndex)});
      const { crc32c } = await import(${JSON.stringify(crcModule)});
      await c.compressionReady();
      const data = Buffer.from('fallback '.repeat(5000));
      const out = {};
      for (const type of [1, 2, 3, 4]) {
        const codec = c.codecFor(type);
        out[codec.name] = { implementation: codec.implementation, ok: codec.decompress(codec.compressSync(data)).equals(data) };
      }
      out.crc = crc32c(Buffer.alloc(4096, 1));
      console.log(JSON.stringify(out));
    `;
    const result = JSON.parse(runIsolated(source, { SAMSA_DISABLE_NATIVE: '1' }));
    expect(result.snappy).toEqual({ implementation: 'javascript (snappyjs)', ok: true });
    expect(result.lz4).toEqual({ implementation: 'TypeScript', ok: true });
    expect(result.zstd.implementation).toMatch(/^WASM/);
    expect(result.zstd.ok).toBe(true);
    expect(result.gzip.ok).toBe(true);
    expect(result.crc).toBe(crc32cJs(Buffer.alloc(4096, 1)));
  });
});
