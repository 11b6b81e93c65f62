/**
 * disconnect() and sends still waiting for topic metadata: they are delivered (Java's close()), or
 * with `timeout: 0` failed at once with ProducerDisconnectedError; either way nothing is left
 * pending that keeps the process alive (checked in a child process whose maxBlockMs is 10 minutes).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  Kafka,
  KafkaTimeoutError,
  LogLevel,
  NotConnectedError,
  ProducerDisconnectedError,
} from '../../src/index.js';

const child = fileURLToPath(new URL('../fixtures/producer-disconnect-child.ts', import.meta.url));
const TEN_MINUTES = 10 * 60_000;
/** A hang check, not a timing threshold: far below the child's maxBlockMs, far above any real run. */
const HANG_BOUND_MS = TEN_MINUTES / 2;

type Outcome = { ok: true; offset: string } | { ok: false; error: string; message: string };

function runChild(args: string[]): Promise<{ code: number | null; outcomes: Outcome[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@samsa/source', child, ...args],
      { timeout: HANG_BOUND_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed) {
          reject(new Error(`the child was still running after ${HANG_BOUND_MS} ms (stdout: ${stdout})`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, outcomes: JSON.parse(line) });
        } catch {
          reject(new Error(`the child printed no outcome (exit ${String(err)}): ${stdout}\n${stderr}`));
        }
      },
    );
  });
}

let broker: RunningBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker({ brokers: 1, port: 0, partitions: 2 });
  kafka = new Kafka({ clientId: 'disconnect-test', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
});

afterAll(async () => {
  await broker?.stop();
});

async function highWatermarks(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('producer.disconnect() with sends waiting for topic metadata', () => {
  it(
    'delivers them, and the process exits without waiting for maxBlockMs',
    async () => {
      const { code, outcomes } = await runChild([
        broker.bootstrap[0],
        'disconnect-auto-created',
        '20',
        String(TEN_MINUTES),
        'yes',
      ]);
      expect(code).toBe(0);
      expect(outcomes).toHaveLength(20);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      expect(await highWatermarks('disconnect-auto-created')).toBe(20);
    },
    HANG_BOUND_MS + 30_000,
  );

  it(
    'with timeout 0 fails them at once with ProducerDisconnectedError, and the process exits',
    async () => {
      const { code, outcomes } = await runChild([
        broker.bootstrap[0],
        'disconnect-never-created',
        '5',
        String(TEN_MINUTES),
        'no',
        '0',
      ]);
      expect(code).toBe(0);
      expect(outcomes).toHaveLength(5);
      for (const o of outcomes) {
        expect(o).toMatchObject({ ok: false, error: 'ProducerDisconnectedError' });
        expect((o as { message: string }).message).toMatch(/disconnected with timeout 0/);
      }
    },
    HANG_BOUND_MS + 30_000,
  );

  it('with a timeout, fails what is still pending when it runs out', async () => {
    const producer = kafka.producer({ maxBlockMs: TEN_MINUTES, allowAutoTopicCreation: false });
    await producer.connect();
    const send = producer.send({ topic: 'disconnect-timeout-never-created', messages: [{ value: 'x' }] });
    const rejection = expect(send).rejects.toBeInstanceOf(ProducerDisconnectedError);
    await producer.disconnect({ timeout: 50 });
    await rejection;
    await expect(send).rejects.toBeInstanceOf(NotConnectedError);
    await expect(send).rejects.toMatchObject({ code: 'PRODUCER_DISCONNECTED' });
  });

  it('without a timeout waits for a missing topic as the send would have (maxBlockMs)', async () => {
    const producer = kafka.producer({ maxBlockMs: 300, allowAutoTopicCreation: false });
    await producer.connect();
    const send = producer.send({ topic: 'disconnect-wait-never-created', messages: [{ value: 'x' }] });
    const rejection = expect(send).rejects.toBeInstanceOf(KafkaTimeoutError);
    await producer.disconnect();
    await rejection;
  });

  it('delivers buffered and metadata-waiting sends alike, and rejects sends made after it', async () => {
    const producer = kafka.producer({ lingerMs: 60_000 });
    await producer.connect();
    const first = producer.send({ topic: 'disconnect-mixed', messages: [{ value: 'first' }] });
    await producer.flush();
    await first;
    const buffered = producer.send({ topic: 'disconnect-mixed', messages: [{ value: 'lingering' }] });
    const waiting = producer.send({ topic: 'disconnect-mixed-new', messages: [{ value: 'new topic' }] });
    const closing = producer.disconnect();
    await expect(producer.send({ topic: 'disconnect-mixed', messages: [{ value: 'late' }] })).rejects.toThrow(
      /disconnected/,
    );
    await closing;
    await expect(buffered).resolves.toHaveLength(1);
    await expect(waiting).resolves.toHaveLength(1);
    expect(await highWatermarks('disconnect-mixed')).toBe(2);
    expect(await highWatermarks('disconnect-mixed-new')).toBe(1);
  });

  it('flush() also waits for sends that were waiting for topic metadata', async () => {
    const producer = kafka.producer({ lingerMs: 60_000 });
    await producer.connect();
    let settled = false;
    const send = producer.send({ topic: 'flush-new-topic', messages: [{ value: 'x' }] }).finally(() => {
      settled = true;
    });
    await producer.flush();
    // Without flush() covering it, the send would linger for a minute: one more turn is plenty.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
    await expect(send).resolves.toHaveLength(1);
    await producer.disconnect();
  });

  it('refuses a timeout that is not a number of milliseconds', async () => {
    const producer = kafka.producer();
    await expect(producer.disconnect({ timeout: -1 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(producer.disconnect({ timeout: 'soon' as never })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});
