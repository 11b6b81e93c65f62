/**
 * Per-connection processing: strict request order with pipelining, frames split at any byte,
 * many frames in one write, back-pressure while a long poll holds the connection.
 */
import { connect } from 'node:net';
import { decodeResponse, encodeRequest, readCorrelationId } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRequestBody, produce } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker();
  const client = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(client, 'conn', 1);
  client.close();
});
afterAll(async () => {
  await broker.stop();
});

/** Writes `bytes` in the given pieces and collects `expected` response frames. */
function exchange(pieces: Buffer[], expected: number, pauseBetween = false): Promise<Buffer[]> {
  const [host, port] = broker.bootstrap[0].split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    const frames: Buffer[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        frames.push(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
      }
      if (frames.length >= expected) {
        socket.destroy();
        resolve(frames);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${frames.length} of ${expected} responses`)));
    void (async () => {
      for (const piece of pieces) {
        socket.write(piece);
        if (pauseBetween) await new Promise((r) => setTimeout(r, 1));
      }
    })();
  });
}

const apiVersions = (id: number) => Buffer.concat(encodeRequest(18, 2, id, 'conn-test', {}));

describe('connections', () => {
  it('answers a request delivered one byte at a time', async () => {
    const frame = apiVersions(7);
    const pieces = [...frame].map((b) => Buffer.from([b]));
    const [response] = await exchange(pieces, 1, true);
    expect(decodeResponse(18, 2, response).body.errorCode).toBe(0);
  });

  it('answers 500 pipelined requests written at once, in order', async () => {
    const all = Buffer.concat(Array.from({ length: 500 }, (_, i) => apiVersions(i)));
    const responses = await exchange([all], 500);
    expect(responses.map(readCorrelationId)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('answers requests split at arbitrary boundaries, in order', async () => {
    const all = Buffer.concat(Array.from({ length: 50 }, (_, i) => apiVersions(i)));
    const pieces: Buffer[] = [];
    for (let pos = 0, step = 1; pos < all.length; pos += step, step = ((step * 7) % 97) + 1)
      pieces.push(all.subarray(pos, pos + step));
    const responses = await exchange(pieces, 50, true);
    expect(responses.map(readCorrelationId)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('queues requests behind a long poll and answers them in order afterwards, with back-pressure', {
    timeout: 60_000,
  }, async () => {
    const fetch = Buffer.concat(
      encodeRequest(
        1,
        11,
        0,
        'conn-test',
        fetchRequestBody('conn', [{ partition: 0, offset: 0 }], { maxWaitMs: 60_000 }),
      ),
    );
    // More queued requests than the connection buffers before it stops reading.
    const followers = Buffer.concat(Array.from({ length: 3000 }, (_, i) => apiVersions(i + 1)));
    const answered = exchange([fetch, followers], 3001);
    await new Promise((r) => setTimeout(r, 200));
    const producer = await RawClient.connect(broker.bootstrap[0]);
    await produce(producer, 'conn', 0, [{ key: null, value: 'wakes the poll' }]);
    producer.close();
    const responses = await answered;
    expect(responses.map(readCorrelationId)).toEqual(Array.from({ length: 3001 }, (_, i) => i));
  });
});
