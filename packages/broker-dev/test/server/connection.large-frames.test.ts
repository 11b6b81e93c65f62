/**
 * How a connection reads frames: small ones out of its read buffer, frames spanning reads into
 * buffers of their own (read directly, and handed over as owned when there is a FrameMemory), and
 * FrameMemory's prefaulting helper. A stub owner answers every frame with its length and CRC.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { crc32c } from '@samsa/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { acceptConnection, type Connection, type ConnectionOwner } from '../../src/server/connection.js';
import { FrameMemory } from '../../src/server/frame-memory.js';
import { RequestMemory } from '../../src/server/request-memory.js';

interface Received {
  frame: Buffer;
  /** A copy taken when the frame was handled. */
  snapshot: Buffer;
  owned: boolean;
}

let server: Server | undefined;
let frameMemory: FrameMemory | undefined;

afterEach(async () => {
  frameMemory?.close();
  frameMemory = undefined;
  const s = server;
  server = undefined;
  if (s) await new Promise((resolve) => s.close(resolve));
});

/**
 * A server whose connections answer each frame with [length, crc32c] (a 12-byte frame). With
 * `slowFirst` the first frame is answered asynchronously, so the frames behind it queue up.
 */
async function startServer(
  memory: FrameMemory | undefined,
  slowFirst = false,
): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const owner: ConnectionOwner = {
    nodeId: 1,
    logger: silentLogger,
    maxRequestBytes: 64 * 1024 * 1024,
    frameMemory: memory,
    requestMemory: new RequestMemory(Number.POSITIVE_INFINITY),
    connectionsMaxIdleMs: Number.POSITIVE_INFINITY,
    handleFrame(_connection: Connection, frame: Buffer, owned: boolean) {
      received.push({ frame, snapshot: Buffer.from(frame), owned });
      const response = Buffer.alloc(12);
      response.writeInt32BE(8, 0);
      response.writeInt32BE(frame.length, 4);
      response.writeUInt32BE(crc32c(frame), 8);
      if (slowFirst && received.length === 1) {
        return new Promise((resolve) => setTimeout(() => resolve([response]), 200));
      }
      return [response];
    },
    connectionClosed() {},
  };
  const s = createServer({ pauseOnConnect: true }, (socket) => acceptConnection(socket, owner));
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  server = s;
  return { port: (s.address() as { port: number }).port, received };
}

/** Frames of the given sizes with deterministic, distinct contents. */
function framesOf(sizes: number[]): Buffer[] {
  return sizes.map((size, n) => {
    const frame = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) frame[i] = (i * 31 + n * 7) & 0xff;
    return frame;
  });
}

/** Sends the frames (size-prefixed) in pieces of the given sizes, cycling; resolves with the answers. */
function exchange(port: number, frames: Buffer[], pieceSizes: number[]): Promise<Buffer[]> {
  const stream = Buffer.concat(
    frames.flatMap((f) => {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(f.length);
      return [prefix, f];
    }),
  );
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    const answers: Buffer[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 12) {
        answers.push(pending.subarray(4, 12));
        pending = pending.subarray(12);
      }
      if (answers.length === frames.length) {
        socket.destroy();
        resolve(answers);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed after ${answers.length} of ${frames.length} answers`)));
    void (async () => {
      let pos = 0;
      for (let i = 0; pos < stream.length; i++) {
        const piece = pieceSizes[i % pieceSizes.length];
        if (!socket.write(stream.subarray(pos, pos + piece)))
          await new Promise((r) => socket.once('drain', r));
        pos += piece;
        // Let some pieces arrive on their own, so frames start mid-read and end mid-read.
        if (i % 5 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
  });
}

function expectAnswered(frames: Buffer[], answers: Buffer[]): void {
  expect(answers.map((a) => [a.readInt32BE(0), a.readUInt32BE(4)])).toEqual(
    frames.map((f) => [f.length, crc32c(f)]),
  );
}

const SIZES = [10, 70_000, 1_000_000, 3_000, 17, 5_000_000, 200_000, 64 * 1024, 1, 2_500_000, 40_000];
const PIECES = [1, 3, 65_536, 7_777, 300_000, 2, 1_000_003, 50];

describe('large frames', () => {
  it('with a FrameMemory: frames spanning reads arrive whole, owned, and are never overwritten', async () => {
    frameMemory = new FrameMemory();
    const { port, received } = await startServer(frameMemory);
    const frames = framesOf(SIZES);
    const answers = await exchange(port, frames, PIECES);
    expectAnswered(frames, answers);
    // Everything read after a frame was handled must not have touched an owned frame.
    for (const r of received.filter((x) => x.owned)) expect(r.frame.equals(r.snapshot)).toBe(true);
    // Frames larger than the 64 KiB read buffer always span reads.
    for (const r of received) if (r.frame.length > 64 * 1024) expect(r.owned).toBe(true);
  });

  it('without a FrameMemory (disk storage): frames are assembled in reused memory and not owned', async () => {
    const { port, received } = await startServer(undefined);
    const frames = framesOf(SIZES);
    const answers = await exchange(port, frames, PIECES);
    expectAnswered(frames, answers);
    expect(received.some((r) => r.owned)).toBe(false);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])(
    '%s a FrameMemory: large frames queued behind a pending request keep their bytes',
    async (_, withMemory) => {
      frameMemory = withMemory ? new FrameMemory() : undefined;
      const { port, received } = await startServer(frameMemory, true);
      const frames = framesOf(SIZES);
      // The answers carry each frame's CRC as handled: queued frames were intact when their turn came.
      expectAnswered(frames, await exchange(port, frames, PIECES));
      for (const r of received.filter((x) => x.owned)) expect(r.frame.equals(r.snapshot)).toBe(true);
    },
  );

  it('without a FrameMemory: reads between frames land in the assembly buffer, so frame bytes are not copied', async () => {
    const { port, received } = await startServer(undefined);
    const frames = framesOf(Array.from({ length: 12 }, () => 1_000_000));
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    try {
      expectAnswered(frames, await exchange(port, frames, [1_000_000, 100_000, 4_000_000]));
      for (const r of received) expect(r.owned).toBe(false);
      // Only the first frame's start arrives in the 64 KiB read buffer and is copied (the connection has
      // no assembly buffer yet); every later frame is read where it is handled.
      const copied = copy.mock.calls.reduce(
        (sum, [, , sourceStart = 0, sourceEnd = 0]) => sum + (sourceEnd as number) - (sourceStart as number),
        0,
      );
      expect(copied).toBeLessThanOrEqual(64 * 1024);
    } finally {
      copy.mockRestore();
    }
  });

  it('handles many large frames pipelined in one write', async () => {
    frameMemory = new FrameMemory();
    const { port } = await startServer(frameMemory);
    const frames = framesOf(Array.from({ length: 40 }, (_, i) => 100_000 + i * 13_001));
    const total = frames.reduce((n, f) => n + f.length + 4, 0);
    expectAnswered(frames, await exchange(port, frames, [total]));
  });
});

describe('FrameMemory', () => {
  it('starts prefaulting after heavy use and then carves frames out of slabs', async () => {
    frameMemory = new FrameMemory(32 * 1024 * 1024);
    const memory = frameMemory;
    for (let i = 0; i < 40 && !memory.prefaulting; i++) memory.allocate(1024 * 1024);
    expect(memory.prefaulting).toBe(true);
    // The helper's first slab arrives asynchronously; from then on frames share it.
    await vi.waitFor(
      () => {
        const a = memory.allocate(100_000);
        const b = memory.allocate(100_000);
        expect(a.buffer).toBe(b.buffer);
        expect(b.byteOffset).toBe(a.byteOffset + a.length);
      },
      { timeout: 10_000, interval: 20 },
    );
    // Large frames still get memory of their own.
    expect(memory.allocate(5 * 1024 * 1024).byteOffset).toBe(0);
    memory.close();
    expect(memory.prefaulting).toBe(false);
  });

  it('frames carved from slabs keep their bytes while later frames are written', async () => {
    frameMemory = new FrameMemory(32 * 1024 * 1024);
    const { port, received } = await startServer(frameMemory);
    // Over 32 MiB of large frames, so the helper starts and later frames come from its slabs.
    const frames = framesOf(Array.from({ length: 48 }, (_, i) => 900_000 + i * 1_001));
    expectAnswered(frames, await exchange(port, frames, [1_000_000, 333_333]));
    expect(frameMemory.prefaulting).toBe(true);
    for (const r of received) expect(r.frame.equals(r.snapshot)).toBe(true);
    expect(received.every((r) => r.owned)).toBe(true);
  });
});
