/**
 * Bad input never hurts the broker: random frames, mutated valid requests, unknown API keys,
 * unsupported versions, truncated and oversized frames. Each connection gets an answer or is
 * closed with a log line; the process survives, other clients keep being served and stored
 * data stays intact. Bounded: a fixed number of cases with a fixed seed.
 */

import { connect } from 'node:net';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRecords, produce, values } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { templateFrames } from './fuzz-templates.js';

const lines: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(`ERROR ${m}`),
};

let broker: RunningBroker;
let witness: RawClient;
const WITNESS_VALUES = Array.from({ length: 20 }, (_, i) => `witness-${i}`);

beforeAll(async () => {
  // ACLs on, so the ACL APIs are fuzzed too; every connection is ANONYMOUS, a super user, so what a mutated
  // CreateAcls adds cannot lock the witness out.
  broker = await startBroker({
    logger,
    maxRequestBytes: 1024 * 1024,
    authorizer: { superUsers: ['User:ANONYMOUS'] },
  });
  witness = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(witness, 'witness', 1);
  await createTopic(witness, 'scratch', 1);
  for (const value of WITNESS_VALUES) await produce(witness, 'witness', 0, [{ key: 'w', value }]);
});
afterAll(async () => {
  witness.close();
  await broker.stop();
});

type Outcome = 'answered' | 'closed' | 'open';

/** Sends raw bytes on a fresh connection; settles when the broker answers, closes, or stays quiet for a while. */
function probe(bytes: Buffer, quietMs = 300): Promise<Outcome> {
  const [host, port] = broker.bootstrap[0].split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('open'), quietMs);
    socket.on('data', () => finish('answered'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('closed'));
    socket.write(bytes);
  });
}

/** Probes frames 25 at a time; returns how the broker reacted. */
async function probeAll(frames: Buffer[]): Promise<Record<Outcome, number>> {
  const outcomes: Record<Outcome, number> = { answered: 0, closed: 0, open: 0 };
  for (let i = 0; i < frames.length; i += 25) {
    for (const outcome of await Promise.all(frames.slice(i, i + 25).map((f) => probe(f, 150))))
      outcomes[outcome]++;
  }
  return outcomes;
}

async function assertHealthy(): Promise<void> {
  const versions = await witness.request(18, 3, {
    clientSoftwareName: 'witness',
    clientSoftwareVersion: '1',
  });
  expect(versions.errorCode).toBe(0);
  const fetched = await fetchRecords(witness, 'witness', 0, 0);
  expect(values(fetched.records)).toEqual(WITNESS_VALUES);
  expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
}

const templates = templateFrames();

describe('protocol fuzzing', () => {
  it('answers every template request (the seeds are valid)', async () => {
    // A JoinGroup may stay parked (waiting for a rebalance): 'open' is a fine outcome for a seed.
    for (const t of templates)
      expect(await probe(t.frame, 300), `${t.apiKey} v${t.version}`).not.toBe('closed');
    await assertHealthy();
  });

  it('survives mutated valid requests', { timeout: 120_000 }, async () => {
    const mutation = fc.record({
      template: fc.integer({ min: 0, max: templates.length - 1 }),
      flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 6,
      }),
      truncateTo: fc.option(fc.nat(), { nil: undefined }),
      fixLength: fc.boolean(),
    });
    const frames = fc
      .sample(mutation, { numRuns: 600, seed: 20261123 })
      .map(({ template, flips, truncateTo, fixLength }) => {
        let frame = Buffer.from(templates[template].frame);
        for (const { at, value } of flips) frame[4 + (at % (frame.length - 4))] = value;
        if (truncateTo !== undefined) frame = frame.subarray(0, 4 + (truncateTo % (frame.length - 4)));
        // Usually keep the size prefix consistent so the body, not the framing, is what is broken.
        if (fixLength) frame.writeInt32BE(frame.length - 4, 0);
        return frame;
      });
    const outcomes = await probeAll(frames);
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.closed).toBeGreaterThan(0);
    await assertHealthy();
  });

  it('survives random bytes', { timeout: 60_000 }, async () => {
    const cases = fc.sample(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean()), {
      numRuns: 300,
      seed: 42,
    });
    const frames = cases.map(([bytes, framed]) => {
      const body = Buffer.from(bytes);
      if (!framed) return body;
      const frame = Buffer.concat([Buffer.alloc(4), body]);
      frame.writeInt32BE(body.length, 0);
      return frame;
    });
    await probeAll(frames);
    await assertHealthy();
  });

  it('closes connections that send unknown API keys or unsupported versions, with a log line', async () => {
    const unknownKey = Buffer.from(templates.find((t) => t.apiKey === ApiKey.ApiVersions)!.frame);
    unknownKey.writeInt16BE(999, 4);
    expect(await probe(unknownKey, 5000)).toBe('closed');
    expect(lines.some((l) => l.includes('unknown or unsupported API key 999'))).toBe(true);

    const tooNew = Buffer.from(
      templates.find((t) => t.apiKey === ApiKey.Metadata && t.version === 12)!.frame,
    );
    tooNew.writeInt16BE(13, 6);
    expect(await probe(tooNew, 5000)).toBe('closed');
    expect(lines.some((l) => l.includes('Metadata v13 is not supported'))).toBe(true);

    const notServed = Buffer.from(templates.find((t) => t.apiKey === ApiKey.ApiVersions)!.frame);
    notServed.writeInt16BE(22, 4); // InitProducerId: known to the protocol, not served
    expect(await probe(notServed, 5000)).toBe('closed');
    await assertHealthy();
  });

  it('closes a connection whose frame exceeds socket.request.max.bytes before reading it', async () => {
    const header = Buffer.alloc(8);
    header.writeInt32BE(2 * 1024 * 1024, 0);
    expect(await probe(header, 5000)).toBe('closed');
    expect(lines.some((l) => l.includes('exceeds socket.request.max.bytes=1048576'))).toBe(true);
    const negative = Buffer.from([0xff, 0xff, 0xff, 0xf0]);
    expect(await probe(negative, 5000)).toBe('closed');
    await assertHealthy();
  });

  it('waits for the rest of a truncated frame without blocking anyone else', async () => {
    const partial = templates.find((t) => t.apiKey === ApiKey.Metadata)!.frame.subarray(0, 10);
    expect(await probe(partial, 200)).toBe('open');
    await assertHealthy();
  });

  it('answers requests for unknown topics with Kafka errors, not closed connections', async () => {
    const response = await witness.request(0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'ghost', partitionData: [{ index: 0, records: Buffer.alloc(0) }] }],
    });
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    await assertHealthy();
  });
});

describe('default request size limit', () => {
  it('is 100 MiB', async () => {
    const big = await startBroker();
    const [host, port] = big.bootstrap[0].split(':');
    const outcome = await new Promise<Outcome>((resolve) => {
      const socket = connect({ host, port: Number(port) });
      socket.on('close', () => resolve('closed'));
      socket.on('error', () => {});
      const header = Buffer.alloc(4);
      header.writeInt32BE(100 * 1024 * 1024 + 1, 0);
      socket.write(header);
    });
    expect(outcome).toBe('closed');
    await big.stop();
  });
});
