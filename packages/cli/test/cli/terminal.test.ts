/**
 * The built command on a terminal (a pseudo-terminal from util-linux's `script`) and in a pipe: a progress line and
 * coloured, aligned tables for people; not one escape code when the output goes to a pipe or NO_COLOR is set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { requirePeer } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/samsa.js', import.meta.url));
const script = requirePeer('script (util-linux)', {
  probe: ['script', '--version'],
  hint: 'apt-get install -y bsdutils',
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` (a shell line) and collects its output; never blocks the event loop (the broker is in-process). */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** On a 100-column pseudo-terminal: stdout and stderr both arrive as the terminal's output. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return run('script', ['-qfec', `stty cols 100 rows 40; node '${bin}' ${quoted}`, '/dev/null'], env);
}

function piped(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return run(process.execPath, [bin, ...args], env);
}

const ESC = '\u001b';
/** Child processes on a shared machine: a bound, not a speed target. */
const CHILD_TESTS_MS = 120_000;

script.describe('samsa on a terminal and in a pipe', () => {
  let broker: RunningBroker;
  let b: string[];
  let input: string;
  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, partitions: 3 });
    b = ['-b', broker.bootstrap[0]];
    const dir = mkdtempSync(join(tmpdir(), 'samsa-tty-'));
    input = join(dir, 'records.txt');
    writeFileSync(
      input,
      `${Array.from({ length: 20_000 }, (_, i) => `key-${i % 50}:record ${i}`).join('\n')}\n`,
    );
    expect((await piped(['topics', 'create', 'big', '-p', '3', ...b])).code).toBe(0);
  });
  afterAll(() => broker?.stop());

  it(
    'draws a progress line with records/s while producing a large input, then the summary in its place',
    async () => {
      const { code, stdout } = await onTerminal(['produce', 'big', '--file', input, '-K', ':', ...b]);
      expect(code).toBe(0);
      const draws = stdout.split(`\r${ESC}[2K`);
      expect(draws.length).toBeGreaterThan(2);
      for (const draw of draws.slice(1, -1)) {
        expect(draw).toMatch(/^\[[=> ]{24}\] +\d+% {2}[\d,]+ records {2}[\d,]+ records\/s$/);
      }
      expect(draws.at(-1)).toMatch(
        /^Sent 20,000 records to big in [\d.]+ s \([\d,]+ records\/s; partitions 0: [\d,]+, 1: [\d,]+, 2: [\d,]+\)\r\n$/,
      );
    },
    CHILD_TESTS_MS,
  );

  it(
    'prints tables with a bold header, aligned by what shows',
    async () => {
      const { stdout } = await onTerminal(['topics', 'describe', 'big', ...b]);
      expect(stdout).toContain(`${ESC}[1mPARTITION${ESC}[22m`);
      const lines = stripVTControlCharacters(stdout).split('\r\n');
      const header = lines.findIndex((l) => l.startsWith('PARTITION'));
      expect(lines[header]).toMatch(
        /^PARTITION {2}LEADER {2}REPLICAS {2}ISR {2}OFFLINE {2}START +END {2}RECORDS$/,
      );
      // Numbers are right-aligned under their headers: every row ends where the header does, column by column.
      const ends = [...lines[header].matchAll(/\S+/g)].map((m) => m.index + m[0].length);
      for (const row of lines.slice(header + 1, header + 4)) {
        const cells = [...row.matchAll(/\S+/g)];
        expect(cells.map((m) => m.index + m[0].length)).toEqual([
          ends[0],
          ends[1],
          ends[2],
          ends[3],
          ends[5],
          ends[6],
          ends[7],
        ]);
      }
    },
    CHILD_TESTS_MS,
  );

  it(
    'leaves colours out with NO_COLOR, and every escape code out in a pipe',
    async () => {
      const plain = await onTerminal(['topics', 'list', ...b], { NO_COLOR: '1' });
      expect(plain.stdout).not.toContain(ESC);
      expect(plain.stdout).toMatch(/^TOPIC {2}PARTITIONS {2}REPLICAS\r\nbig {13}3 {9}1\r\n$/);
      for (const args of [
        ['produce', 'big', '--file', input, ...b],
        ['topics', 'list', ...b],
        ['topics', 'describe', 'big', ...b],
        ['consume', 'big', '--from-beginning', '-e', '--count', '5', '-g', 'tty', ...b],
        ['groups', 'describe', 'tty', ...b],
        ['topics', 'describe', 'missing', ...b],
      ]) {
        const result = await piped(args);
        expect(result.stdout + result.stderr, args.join(' ')).not.toContain(ESC);
      }
    },
    CHILD_TESTS_MS,
  );

  it(
    'runs as the npm-installed `samsa` (npx samsa after npm ci && npm run build)',
    async () => {
      const root = fileURLToPath(new URL('../../../../', import.meta.url));
      const result = await new Promise<Ran>((resolve, reject) => {
        const child = spawn('npx', ['--no-install', 'samsa', '--version'], {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(result.stdout).toBe('0.1.0\n');
      expect(result.code).toBe(0);
    },
    CHILD_TESTS_MS,
  );
});
