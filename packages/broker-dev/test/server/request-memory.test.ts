/**
 * The broker-wide budget for request bytes not yet handled (Kafka's queued.max.request.bytes): many
 * connections announcing large frames hold at most the budget, the rest stop reading until memory frees
 * up, and every frame is still answered intact in the end.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { ApiKey, crc32c, FRAME_SIZE_BYTES } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../src/index.js';
import { silentLogger } from '../../src/logger.js';
import { acceptConnection, type ConnectionOwner } from '../../src/server/connection.js';
import { RequestMemory } from '../../src/server/request-memory.js';
import { RawClient } from '../helpers/raw-client.js';

describe('RequestMemory', () => {
  it('reserves within the limit, queues the rest in order and grants them as memory is released', () => {
    const memory = new RequestMemory(100);
    expect(memory.tryReserve(60)).toBe(true);
    expect(memory.tryReserve(60)).toBe(false);
    const granted: string[] = [];
    memory.whenAvailable(60, () => granted.push('a'));
    memory.whenAvailable(10, () => granted.push('b'));
    // Nobody overtakes a waiter, even when their request would fit.
    expect(memory.tryReserve(10)).toBe(false);
    expect(memory.exhausted).toBe(true);
    memory.release(60);
    expect(granted).toEqual(['a', 'b']);
    expect(memory.usedBytes).toBe(70);
    expect(memory.waiters).toBe(0);
  });

  it('lets a request larger than the whole budget through once nothing else holds memory', () => {
    const memory = new RequestMemory(100);
    expect(memory.tryReserve(500)).toBe(true);
    memory.release(500);
    expect(memory.tryReserve(40)).toBe(true);
    let granted = false;
    memory.whenAvailable(500, () => {
      granted = true;
    });
    memory.release(40);
    expect(granted).toBe(true);
  });

  it('a withdrawn waiter lets those behind it through', () => {
    const memory = new RequestMemory(100);
    memory.tryReserve(50);
    const withdraw = memory.whenAvailable(80, () => {
      throw new Error('withdrawn waiters are never granted');
    });
    let small = false;
    memory.whenAvailable(20, () => {
      small = true;
    });
    withdraw();
    expect(small).toBe(true);
    expect(memory.usedBytes).toBe(70);
  });
});

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  const s = server;
  server = undefined;
  if (s) await new Promise((resolve) => s.close(resolve));
});

/** Connections of a stub owner that answer each frame with [length, crc32c], noting the memory in use. */
async function serve(memory: RequestMemory): Promise<{ port: number; peakUsed: () => number }> {
  let peak = 0;
  const owner: ConnectionOwner = {
    nodeId: 1,
    logger: silentLogger,
    maxRequestBytes: 64 * 1024 * 1024,
    frameMemory: undefined,
    requestMemory: memory,
    connectionsMaxIdleMs: Number.POSITIVE_INFINITY,
    handleFrame(_connection, frame) {
      peak = Math.max(peak, memory.usedBytes);
      const response = Buffer.alloc(12);
      response.writeInt32BE(8, 0);
      response.writeInt32BE(frame.length, 4);
      response.writeUInt32BE(crc32c(frame), 8);
      return [response];
    },
    connectionClosed() {},
  };
  const s = createServer({ pauseOnConnect: true }, (socket) => acceptConnection(socket, owner));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  server = s;
  return { port: (s.address() as { port: number }).port, peakUsed: () => peak };
}

/** A connection that has sent the size prefix and the first `head` bytes of `frame`; `rest()` sends the others. */
async function startFrame(port: number, frame: Buffer, head: number) {
  const socket = connect({ host: '127.0.0.1', port });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer: Buffer | undefined;
  socket.on('data', (chunk) => {
    answer = chunk;
  });
  socket.on('error', () => {});
  const prefix = Buffer.alloc(FRAME_SIZE_BYTES);
  prefix.writeInt32BE(frame.length);
  socket.write(Buffer.concat([prefix, frame.subarray(0, head)]));
  return {
    socket,
    rest: () => socket.write(frame.subarray(head)),
    answer: () => answer,
  };
}

function frameOf(size: number, seed: number): Buffer {
  const frame = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) frame[i] = (i * 13 + seed) & 0xff;
  return frame;
}

describe('connections under a request-memory budget', () => {
  it('hold at most the budget for half-received frames and answer every frame once memory frees up', async () => {
    const memory = new RequestMemory(1024 * 1024);
    const { port, peakUsed } = await serve(memory);
    const frames = Array.from({ length: 10 }, (_, i) => frameOf(600_000, i));
    const clients: Awaited<ReturnType<typeof startFrame>>[] = [];
    for (const frame of frames) clients.push(await startFrame(port, frame, 1000));
    // One frame fits the budget; the other nine connections stop reading and wait.
    await waitFor('nine connections to wait for memory', () => memory.waiters === 9);
    expect(memory.usedBytes).toBe(600_000);
    for (const client of clients) client.rest();
    await waitFor('every frame to be answered', () => clients.every((c) => c.answer() !== undefined));
    clients.forEach((client, i) => {
      const answer = client.answer()!;
      expect([i, answer.readInt32BE(4), answer.readUInt32BE(8)]).toEqual([
        i,
        frames[i].length,
        crc32c(frames[i]),
      ]);
    });
    expect(peakUsed()).toBeLessThanOrEqual(memory.limit);
    expect(memory.usedBytes).toBe(0);
  });

  it('gives the memory of connections that close mid-frame or while waiting back', async () => {
    const memory = new RequestMemory(1024 * 1024);
    const { port } = await serve(memory);
    const holder = await startFrame(port, frameOf(900_000, 1), 10);
    await waitFor('the first frame to reserve memory', () => memory.usedBytes === 900_000);
    const waiter = await startFrame(port, frameOf(900_000, 2), 10);
    await waitFor('the second connection to wait', () => memory.waiters === 1);
    // A waiting connection does not read, so it notices its client left once it gets the memory.
    waiter.socket.destroy();
    holder.socket.destroy();
    await waitFor('all memory to be released', () => memory.usedBytes === 0 && memory.waiters === 0);
    const after = await startFrame(port, frameOf(900_000, 3), 900_000);
    await waitFor('a later frame to be answered', () => after.answer() !== undefined);
  });

  it('a broker with many connections announcing 100 MiB frames stays up and keeps answering', async () => {
    const broker = await startBroker({ maxQueuedRequestBytes: 16 * 1024 * 1024 });
    try {
      const [host, port] = broker.bootstrap[0].split(':');
      const hogs: Socket[] = [];
      for (let i = 0; i < 30; i++) {
        const socket = connect({ host, port: Number(port) });
        sockets.push(socket);
        socket.on('error', () => {});
        const prefix = Buffer.alloc(FRAME_SIZE_BYTES + 100);
        prefix.writeInt32BE(100 * 1024 * 1024);
        socket.write(prefix);
        hogs.push(socket);
      }
      const client = await RawClient.connect(broker.bootstrap[0]);
      const versions = await client.request(ApiKey.ApiVersions, 3, {
        clientSoftwareName: 'test',
        clientSoftwareVersion: '1',
      });
      expect(versions.errorCode).toBe(0);
      client.close();
    } finally {
      await broker.stop();
    }
  });
});
