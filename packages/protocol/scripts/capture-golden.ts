/**
 * Regenerates test/fixtures/golden/: runs KafkaJS and kcat (librdkafka) through the capture
 * proxy against a broker, and keeps, per API/version/direction, the first frame and the largest.
 *
 *   tsx scripts/capture-golden.ts [--upstream host:port] [--label NAME]
 *
 * Without --upstream it starts a one-broker librdkafka mock cluster with kcat as the broker.
 * Needs kcat on PATH (apt-get install -y kcat) and kafkajs (a root devDependency).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startCapture } from './capture.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/golden/', import.meta.url));
const TOPIC = 'samsa-golden';

async function startMock(): Promise<{ bootstrap: string; stop(): void }> {
  const log = join(FIXTURES, '.mock.log');
  const child = spawn(
    'sh',
    ['-c', `exec kcat -b x -X test.mock.num.brokers=1 -C -t __keepalive -o end 2>${log}`],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const match = /replaced with (\S+)/.exec(
      (() => {
        try {
          return readFileSync(log, 'utf8');
        } catch {
          return '';
        }
      })(),
    );
    if (match)
      return {
        bootstrap: match[1],
        stop: () => {
          child.kill('SIGTERM');
          unlinkSync(log);
        },
      };
  }
  child.kill('SIGTERM');
  throw new Error('librdkafka mock cluster did not start');
}

async function driveKafkaJs(bootstrap: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'samsa-golden-kafkajs',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({
    topic: TOPIC,
    acks: -1,
    messages: [
      { key: 'k1', value: 'hello', headers: { h: 'v' }, partition: 0 },
      { key: null, value: 'ünïcödé value', partition: 0 },
      { key: 'k3', value: null, partition: 0 },
    ],
  });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: 'samsa-golden-kafkajs', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('KafkaJS consumer timed out')), 30_000);
    consumer
      .run({
        eachMessage: async () => {
          if (++seen === 3) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.fetchTopicOffsets(TOPIC);
  await admin.fetchOffsets({ groupId: 'samsa-golden-kafkajs', topics: [TOPIC] });
  await admin.disconnect();
}

/** kcat must run asynchronously: the proxy lives in this process's event loop. */
function kcat(bootstrap: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-X', 'client.id=samsa-golden-kcat', ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(input ?? '');
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat ${args.join(' ')}: ${stderr}`)),
    );
  });
}

async function driveKcat(bootstrap: string): Promise<void> {
  await kcat(bootstrap, ['-L']);
  await kcat(
    bootstrap,
    ['-P', '-t', TOPIC, '-p', '0', '-K:', '-z', 'none', '-H', 'h=v'],
    'k1:hello\nk2:world\n',
  );
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    await kcat(
      bootstrap,
      ['-P', '-t', TOPIC, '-p', '0', '-z', codec, '-K:'],
      `${codec}-key:compressed with ${codec}\n`.repeat(20),
    );
  }
  await kcat(bootstrap, ['-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q']);
  await kcat(bootstrap, ['-G', 'samsa-golden-kcat', '-o', 'beginning', '-c', '3', '-q', TOPIC]);
}

/** Keeps every Produce request, and the first and the largest frame of each other API/version/direction. */
function prune(dir: string): void {
  const groups = new Map<string, { file: string; size: number }[]>();
  for (const file of readdirSync(dir)) {
    const key = file.replace(/^\d+-/, '');
    const list = groups.get(key) ?? [];
    list.push({ file, size: statSync(join(dir, file)).size });
    groups.set(key, list);
  }
  for (const [key, list] of groups) {
    if (key.startsWith('Produce-') && key.endsWith('-request.hex')) continue;
    const largest = list.reduce((a, b) => (b.size > a.size ? b : a));
    for (const { file } of list)
      if (file !== list[0].file && file !== largest.file) unlinkSync(join(dir, file));
  }
}

const { values } = parseArgs({
  options: { upstream: { type: 'string' }, label: { type: 'string', default: 'mock' } },
});
const mock = values.upstream ? null : await startMock();
const bootstrap = values.upstream ?? mock!.bootstrap;
const [host, port] = bootstrap.split(',')[0].split(':');
try {
  for (const [client, drive] of [
    ['kafkajs', driveKafkaJs],
    ['kcat', driveKcat],
  ] as const) {
    const dir = join(FIXTURES, `${client}-${values.label}`);
    rmSync(dir, { recursive: true, force: true });
    const capture = await startCapture({ upstream: { host, port: Number(port) }, outDir: dir });
    try {
      await drive(`127.0.0.1:${capture.port}`);
    } finally {
      await capture.close();
    }
    prune(dir);
    writeFileSync(
      join(dir, 'README.md'),
      `Frames captured from ${client} against ${values.upstream ? values.upstream : 'the librdkafka 2.0.2 mock cluster'} by scripts/capture-golden.ts.\n`,
    );
    console.log(`${client}: ${readdirSync(dir).length - 1} frames kept in ${dir}`);
  }
} finally {
  mock?.stop();
}
