/**
 * The built package as a KafkaJS user's ESM code imports it: plain Node, no source condition, so `dist` and the
 * `exports` map are what is checked (the migration guide's first line was once a SyntaxError here).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CompressionType } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../', import.meta.url));

async function runEsm(code: string): Promise<string> {
  if (!existsSync(`${packageDir}dist/index.js`)) {
    throw new Error('dist/index.js is missing: run `npm run build` first');
  }
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
    cwd: packageDir,
    timeout: 60_000,
  });
  return stdout.trim();
}

describe('@samsa/core-client in plain Node ESM', () => {
  it("imports KafkaJS's names, logLevel included, from the built package", async () => {
    const out = await runEsm(`
      import { Kafka, CompressionTypes, Partitioners, logLevel, LogLevel } from '@samsa/core-client';
      const kafka = new Kafka({ clientId: 'app', brokers: ['localhost:9092'], logLevel: logLevel.ERROR });
      console.log(JSON.stringify({
        kafka: typeof kafka.producer,
        gzip: CompressionTypes.GZIP,
        partitioner: typeof Partitioners.DefaultPartitioner,
        logLevel,
        same: logLevel === LogLevel,
      }));
    `);
    expect(JSON.parse(out)).toEqual({
      kafka: 'function',
      gzip: CompressionType.GZIP,
      partitioner: 'function',
      logLevel: { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 },
      same: true,
    });
  }, 90_000);
});
