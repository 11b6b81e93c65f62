/**
 * When a client tunes malloc (malloc-thresholds.ts): on its first large response frame, unless turned
 * off per client with `tuneMalloc: false` or per process with SAMSA_MALLOC_TUNING=0; a client that
 * only ever receives small frames (an idle one) leaves malloc alone. Observed as in
 * malloc-thresholds.test.ts, in page faults of child processes: with the tuning, freed frame memory is
 * reused; without, it is faulted in again.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, Kafka, LogLevel } from '../../src/index.js';
import {
  MALLOC_TUNING_ENV,
  MALLOC_TUNING_FRAME_BYTES,
  mallocTuningAllowed,
} from '../../src/network/malloc-thresholds.js';

const client = fileURLToPath(new URL('../fixtures/malloc-client.ts', import.meta.url));
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
  ?.glibcVersionRuntime;

function faults(args: string[], env: Record<string, string> = {}): number {
  const node = ['--expose-gc', '--single-threaded-gc', '--import', 'tsx', '--conditions=@samsa/source'];
  const { [MALLOC_TUNING_ENV]: _, ...inherited } = process.env;
  const out = execFileSync(process.execPath, [...node, client, ...args], {
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
  return Number(out.trim());
}

describe('malloc tuning opt-out', () => {
  it.skipIf(!glibc)(
    'a client tunes malloc on its first large frame; tuneMalloc: false and SAMSA_MALLOC_TUNING=0 leave it alone',
    () => {
      const tuned = faults([]);
      const optionOff = faults(['--no-tune-malloc']);
      const envOff = faults([], { [MALLOC_TUNING_ENV]: '0' });
      // Eight 1 MiB frames a round are 2,048 pages: untuned, glibc trims them away after every round.
      expect(optionOff).toBeGreaterThan(10 * 1500);
      expect(envOff).toBeGreaterThan(10 * 1500);
      expect(tuned).toBeLessThan(Math.min(optionOff, envOff) / 3);
    },
  );

  it.skipIf(!glibc)('a client that receives only frames smaller than malloc maps leaves malloc alone', () => {
    const smallFrames = faults(['--frame-bytes', String(MALLOC_TUNING_FRAME_BYTES - 1)]);
    const largeFrame = faults(['--frame-bytes', String(MALLOC_TUNING_FRAME_BYTES)]);
    expect(smallFrames).toBeGreaterThan(10 * 1500);
    expect(largeFrame).toBeLessThan(smallFrames / 3);
  });

  it('a bad SAMSA_MALLOC_TUNING fails the connection at once, before any frame', async () => {
    const before = process.env[MALLOC_TUNING_ENV];
    process.env[MALLOC_TUNING_ENV] = 'maybe';
    try {
      const admin = new Kafka({
        brokers: ['127.0.0.1:9'],
        logLevel: LogLevel.NOTHING,
        retry: { retries: 0 },
      }).admin();
      await expect(admin.connect()).rejects.toThrow(/SAMSA_MALLOC_TUNING/);
    } finally {
      if (before === undefined) delete process.env[MALLOC_TUNING_ENV];
      else process.env[MALLOC_TUNING_ENV] = before;
    }
  });

  it('reads SAMSA_MALLOC_TUNING as on/off and refuses anything else', () => {
    for (const on of [undefined, '', '1', 'true', 'ON', 'yes']) {
      expect(mallocTuningAllowed({ [MALLOC_TUNING_ENV]: on })).toBe(true);
    }
    for (const off of ['0', 'false', 'Off', ' no ']) {
      expect(mallocTuningAllowed({ [MALLOC_TUNING_ENV]: off })).toBe(false);
    }
    expect(() => mallocTuningAllowed({ [MALLOC_TUNING_ENV]: 'maybe' })).toThrow(ConfigurationError);
  });

  it('tuneMalloc is a boolean client option, default true', () => {
    expect(new Kafka({ brokers: ['127.0.0.1:9092'] }).config.tuneMalloc).toBe(true);
    expect(new Kafka({ brokers: ['127.0.0.1:9092'], tuneMalloc: false }).config.tuneMalloc).toBe(false);
    expect(() => new Kafka({ brokers: ['127.0.0.1:9092'], tuneMalloc: 'no' as never })).toThrow(
      ConfigurationError,
    );
  });
});
