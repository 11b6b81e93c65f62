/**
 * Every ```ts block of docs/migrating-from-kafkajs.md is a program that must compile and run: each is written to
 * a temporary .mts file with its imports pointed at this workspace's sources and `localhost:9092` at an
 * in-process dev broker, the lot is type-checked with tsc, then each runs in its own Node process and must
 * exit 0. A guide whose code does not work is worse than none.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { run, runScript } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const guide = readFileSync(path.join(packageDir, 'docs/migrating-from-kafkajs.md'), 'utf8');

interface Snippet {
  /** 1-based line of the opening fence, to find the block from a failure. */
  line: number;
  code: string;
}

/** The ```ts blocks of a markdown text. */
export function tsBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    blocks.push({ line: start + 1, code: body.join('\n') });
  }
  return blocks;
}

const snippets = tsBlocks(guide);
let broker: RunningBroker;
let dir: string;
const files = new Map<Snippet, string>();

beforeAll(async () => {
  broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
  dir = mkdtempSync(path.join(tmpdir(), 'samsa-guide-'));
  const source = path.join(packageDir, 'src/index.ts');
  for (const snippet of snippets) {
    const file = path.join(dir, `line-${snippet.line}.mts`);
    const code = snippet.code
      .replaceAll("from '@samsa/core-client'", `from ${JSON.stringify(source)}`)
      .replaceAll('localhost:9092', broker.bootstrap[0]);
    writeFileSync(file, code);
    files.set(snippet, file);
  }
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        types: ['node'],
        typeRoots: [path.join(packageDir, '../../node_modules/@types')],
        customConditions: ['@samsa/source'],
      },
      include: ['*.mts'],
    }),
  );
});

afterAll(async () => {
  await broker?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs/migrating-from-kafkajs.md', () => {
  it('imports logLevel from @samsa/core-client, as KafkaJS code does', () => {
    expect(guide).toContain(
      "import { Kafka, CompressionTypes, Partitioners, logLevel } from '@samsa/core-client';",
    );
    expect(snippets.length).toBeGreaterThanOrEqual(8);
  });

  it('covers producer, consumer (with the rolling switch), admin, errors, logging and instrumentation', () => {
    const headings = guide.split('\n').filter((l) => l.startsWith('## ') || l.startsWith('### '));
    for (const part of [
      'Producer',
      'Consumer',
      'A rolling switch from KafkaJS',
      'Admin',
      'Errors',
      'Logging',
      'Instrumentation',
    ]) {
      expect(
        headings.some((h) => h.replace(/^#+ /, '') === part),
        part,
      ).toBe(true);
    }
    expect(guide).toContain('kafkajsCompatible: true');
  });

  it('has code that type-checks', async () => {
    const tsc = path.join(packageDir, '../../node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', dir], { timeoutMs: 120_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 150_000);

  for (const snippet of snippets) {
    const firstLine = snippet.code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    it(`runs the block at line ${snippet.line} (${firstLine.trim().slice(0, 60)})`, async () => {
      const result = await runScript(files.get(snippet)!, [], { timeoutMs: 60_000 });
      expect(result.signal, `block at line ${snippet.line} did not finish:\n${result.stderr}`).toBeNull();
      expect(result.code, `block at line ${snippet.line} failed:\n${result.stderr}`).toBe(0);
    }, 70_000);
  }
});
