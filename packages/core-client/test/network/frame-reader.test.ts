import { randomBytes } from 'node:crypto';
import { FrameSizeError } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { FrameReader, INITIAL_SCRATCH_BYTES, MAX_SCRATCH_BYTES } from '../../src/network/frame-reader.js';

function framed(payloads: Buffer[]): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length);
      return [size, p];
    }),
  );
}

/** Feeds `stream` the way a socket would: each read fills at most `cut()` bytes of the offered buffer. */
function feed(reader: FrameReader, stream: Buffer, cut: () => number): void {
  let pos = 0;
  while (pos < stream.length) {
    const target = reader.nextBuffer();
    if (target.length === 0) throw new Error('nextBuffer() returned an empty buffer');
    const n = Math.min(target.length, cut(), stream.length - pos);
    stream.copy(target, 0, pos, pos + n);
    pos += n;
    reader.onRead(n);
  }
}

describe('FrameReader', () => {
  const sizes = [0, 1, 5, 100, 4096, 16 * 1024, 16 * 1024 + 1, 70_000, 300_000, 3, 1 << 20];
  for (const readSize of [1, 3, 1000, 65_536, 1 << 20]) {
    it(`splits frames of every size correctly with reads of up to ${readSize} bytes`, () => {
      // Byte-sized reads of megabytes would take long: smaller frames there.
      const payloads = sizes.filter((s) => readSize > 3 || s < 100_000).map((s) => randomBytes(s));
      const got: Buffer[] = [];
      const reader = new FrameReader(10 << 20, (f) => got.push(f));
      feed(reader, framed(payloads), () => readSize);
      expect(got.map((g) => g.length)).toEqual(payloads.map((p) => p.length));
      for (let i = 0; i < payloads.length; i++) expect(got[i].equals(payloads[i])).toBe(true);
      expect(reader.buffered).toBe(0);
    });
  }

  it('starts with a small scratch and doubles it, up to its cap, each time a read fills it', () => {
    const got: Buffer[] = [];
    const reader = new FrameReader(10 << 20, (f) => got.push(f));
    expect(reader.nextBuffer().length).toBe(INITIAL_SCRATCH_BYTES);
    // Frames of 1,000 bytes read as fast as the scratch takes them: every read fills what is offered.
    const payloads = Array.from({ length: 400 }, () => randomBytes(1000));
    const stream = framed(payloads);
    const offered: number[] = [];
    let pos = 0;
    while (pos < stream.length) {
      const target = reader.nextBuffer();
      offered.push(target.length);
      const n = Math.min(target.length, stream.length - pos);
      stream.copy(target, 0, pos, pos + n);
      pos += n;
      reader.onRead(n);
    }
    expect(got).toHaveLength(payloads.length);
    for (let i = 0; i < payloads.length; i++) expect(got[i].equals(payloads[i])).toBe(true);
    expect(Math.max(...offered)).toBeGreaterThan(INITIAL_SCRATCH_BYTES * 4);
    expect(Math.max(...offered)).toBeLessThanOrEqual(MAX_SCRATCH_BYTES);
  });

  it('grows the scratch for a small frame larger than it, keeping the bytes already read', () => {
    const payloads = [
      randomBytes(10),
      randomBytes(16 * 1024),
      randomBytes(INITIAL_SCRATCH_BYTES + 1),
      randomBytes(7),
    ];
    const got: Buffer[] = [];
    const reader = new FrameReader(10 << 20, (f) => got.push(f));
    // Reads of 1,000 bytes never fill the scratch: only the frames' sizes make it grow.
    feed(reader, framed(payloads), () => 1000);
    expect(got.map((g) => g.length)).toEqual(payloads.map((p) => p.length));
    for (let i = 0; i < payloads.length; i++) expect(got[i].equals(payloads[i])).toBe(true);
    expect(reader.nextBuffer().length).toBeGreaterThan(16 * 1024);
  });

  it('calls firstLargeFrame once, before the first frame of at least its size, and not for smaller ones', () => {
    const events: string[] = [];
    const reader = new FrameReader(10 << 20, (f) => events.push(`frame ${f.length}`), {
      firstLargeFrame: { bytes: 100_000, onFirst: () => events.push('first large') },
    });
    feed(reader, framed([randomBytes(99_999), randomBytes(20_000)]), () => 65_536);
    expect(events).toEqual(['frame 99999', 'frame 20000']);
    feed(reader, framed([randomBytes(100_000), randomBytes(300_000)]), () => 65_536);
    expect(events).toEqual(['frame 99999', 'frame 20000', 'first large', 'frame 100000', 'frame 300000']);
  });

  it('reads the rest of a large frame straight into its own buffer, never past its end', () => {
    const payloads = [randomBytes(200_000), randomBytes(10), randomBytes(50_000)];
    const got: Buffer[] = [];
    const targets: Buffer[] = [];
    const reader = new FrameReader(1 << 20, (f) => got.push(f));
    const stream = framed(payloads);
    let pos = 0;
    while (pos < stream.length) {
      const target = reader.nextBuffer();
      targets.push(target);
      const n = Math.min(target.length, 30_000, stream.length - pos);
      stream.copy(target, 0, pos, pos + n);
      pos += n;
      reader.onRead(n);
    }
    expect(got.map((g) => g.length)).toEqual([200_000, 10, 50_000]);
    for (let i = 0; i < payloads.length; i++) expect(got[i].equals(payloads[i])).toBe(true);
    // The first read filled the scratch; after it, reads of the 200 kB frame went into its memory:
    // its remaining bytes exactly.
    expect(targets[0].length).toBe(INITIAL_SCRATCH_BYTES);
    expect(targets[1].buffer).toBe(got[0].buffer);
    expect(targets[1].length).toBe(200_000 - (INITIAL_SCRATCH_BYTES - 4));
    const intoFirst = targets.filter((t) => t.buffer === got[0].buffer);
    expect(intoFirst.at(-1)!.byteOffset + intoFirst.at(-1)!.length).toBe(got[0].byteOffset + 200_000);
  });

  it('tells onProgress how much of a large frame arrived after every read into it', () => {
    const payload = randomBytes(100_000);
    const progress: number[] = [];
    let frameSeen: Buffer | null = null;
    const got: Buffer[] = [];
    const reader = new FrameReader(1 << 20, (f) => got.push(f), {
      onProgress: (frame, filled) => {
        frameSeen = frame;
        // What arrived is already in place.
        expect(frame.subarray(0, filled).equals(payload.subarray(0, filled))).toBe(true);
        progress.push(filled);
      },
    });
    feed(reader, framed([randomBytes(100), payload, randomBytes(20)]), () => 40_000);
    expect(got[1]).toBe(frameSeen);
    // The first read filled the scratch: 4 + 100 + 4 bytes of framing and the small frame before it, then
    // the start of the large frame; the later reads went into the large frame's own buffer.
    const first = INITIAL_SCRATCH_BYTES - 108;
    expect(progress).toEqual([first, first + 40_000, first + 80_000, 100_000]);
  });

  it('never hands on a frame that shares memory with the next read', () => {
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10 + i, i));
    const got: Buffer[] = [];
    const reader = new FrameReader(1 << 20, (f) => got.push(f));
    feed(reader, framed(payloads), () => 37);
    // Scribble over whatever the reader would read into next.
    reader.nextBuffer().fill(0xff);
    for (let i = 0; i < payloads.length; i++) expect(got[i].equals(payloads[i])).toBe(true);
  });

  it('rejects negative and oversized frame sizes before buffering them, with FrameSizeError', () => {
    const readSize = (size: number) => {
      const reader = new FrameReader(1000, () => {});
      reader.nextBuffer().writeInt32BE(size);
      return () => reader.onRead(4);
    };
    expect(readSize(-1)).toThrow(FrameSizeError);
    expect(readSize(1001)).toThrow(FrameSizeError);
    expect(readSize(1001)).toThrow('frame of 1001 bytes exceeds maxResponseBytes=1000');
  });
});
