/**
 * Per-connection processing: strict request order with pipelining, frames split at any byte,
 * many frames in one write, back-pressure while a long poll holds the connection.
 */
import { connect } from 'node:net';
import { ApiKey, decodeResponse, encodeRequest, FRAME_SIZE_BYTES, readCorrelationId } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, type RunningBroker, startBroker } from '../../src/index.js';
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

const apiVersions = (id: number) => Buffer.concat(encodeRequest(ApiKey.ApiVersions, 2, id, 'conn-test', {}));

describe('connections', () => {
  it('answers a request delivered one byte at a time', async () => {
    const frame = apiVersions(7);
    const pieces = [...frame].map((b) => Buffer.from([b]));
    const [response] = await exchange(pieces, 1, true);
    expect(decodeResponse(ApiKey.ApiVersions, 2, response).body.errorCode).toBe(0);
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
        ApiKey.Fetch,
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

describe('size prefixes', () => {
  const lines: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => lines.push(m), error: () => {} };
  let strict: RunningBroker;

  beforeAll(async () => {
    strict = await startBroker({ logger, maxRequestBytes: 4096 });
  });
  afterAll(async () => {
    await strict.stop();
  });

  /** Writes the pieces one by one and resolves with the bytes received once the broker closes the connection. */
  function closedAfter(pieces: Buffer[]): Promise<number> {
    const [host, port] = strict.bootstrap[0].split(':');
    return new Promise((resolve) => {
      const socket = connect({ host, port: Number(port) });
      let received = 0;
      socket.on('data', (chunk) => {
        received += chunk.length;
      });
      socket.on('close', () => resolve(received));
      socket.on('error', () => {});
      void (async () => {
        for (const piece of pieces) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    });
  }

  const prefix = (size: number) => {
    const bytes = Buffer.alloc(FRAME_SIZE_BYTES);
    bytes.writeInt32BE(size);
    return bytes;
  };

  it('closes the connection over a frame above maxRequestBytes, even with its prefix split across reads', async () => {
    expect(await closedAfter([prefix(4097).subarray(0, 3), prefix(4097).subarray(3)])).toBe(0);
    expect(lines).toContainEqual(
      expect.stringContaining('frame of 4097 bytes exceeds socket.request.max.bytes=4096'),
    );
    // The request before the bad prefix is still answered.
    expect(await closedAfter([Buffer.concat([apiVersions(1), prefix(5000)])])).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.stringContaining('frame of 5000 bytes exceeds socket.request.max.bytes=4096'),
    );
  });

  it('closes the connection over a negative frame size', async () => {
    expect(await closedAfter([prefix(-5)])).toBe(0);
    expect(lines).toContainEqual(expect.stringContaining('frame size -5 is negative'));
  });

  it('answers a frame of exactly maxRequestBytes', async () => {
    // ApiVersions v0: a 10-byte header plus the client id, and an empty body.
    const frame = Buffer.concat(encodeRequest(ApiKey.ApiVersions, 0, 3, 'x'.repeat(4096 - 10), {}));
    expect(frame.length).toBe(FRAME_SIZE_BYTES + 4096);
    const [host, port] = strict.bootstrap[0].split(':');
    const answered = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port: Number(port) });
      socket.on('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('close', () => resolve(false));
      socket.write(frame);
    });
    expect(answered).toBe(true);
  });
});

describe('connections.max.idle.ms', () => {
  let idle: RunningBroker;

  beforeAll(async () => {
    idle = await startBroker({ connectionsMaxIdleMs: 200 });
    const client = await RawClient.connect(idle.bootstrap[0]);
    await createTopic(client, 'idle', 1);
    client.close();
  });
  afterAll(async () => {
    await idle.stop();
  });

  it('closes a connection that sends nothing', async () => {
    const client = await RawClient.connect(idle.bootstrap[0]);
    await client.closed;
    expect(client.isOpen).toBe(false);
  });

  it('keeps a connection whose request is still being answered (a long poll longer than the idle time)', async () => {
    const client = await RawClient.connect(idle.bootstrap[0]);
    const response = await client.request(
      ApiKey.Fetch,
      11,
      fetchRequestBody('idle', [{ partition: 0, offset: 0 }], { maxWaitMs: 1000 }),
    );
    expect(response.responses[0].partitions[0].errorCode).toBe(0);
    client.close();
  });
});
