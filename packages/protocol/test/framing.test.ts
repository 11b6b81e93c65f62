import { describe, expect, it } from 'vitest';
import { FRAME_SIZE_BYTES, FrameSizeError, FrameSplitter, readFrameSize, SamsaError } from '../src/index.js';

function prefix(size: number): Buffer {
  const bytes = Buffer.alloc(FRAME_SIZE_BYTES);
  bytes.writeInt32BE(size);
  return bytes;
}

describe('readFrameSize', () => {
  it('reads the int32 size prefix at an offset', () => {
    const bytes = Buffer.concat([Buffer.from([9, 9]), prefix(70_000)]);
    expect(readFrameSize(bytes, 2, 100_000)).toBe(70_000);
    expect(readFrameSize(new Uint8Array(prefix(0)), 0, 0)).toBe(0);
  });

  it('accepts a frame of exactly the limit', () => {
    expect(readFrameSize(prefix(1024), 0, 1024)).toBe(1024);
  });

  it('rejects a frame above the limit with FrameSizeError naming the limit', () => {
    const error = catchError(() => readFrameSize(prefix(1025), 0, 1024, 'socket.request.max.bytes'));
    expect(error).toBeInstanceOf(FrameSizeError);
    expect(error).toBeInstanceOf(SamsaError);
    expect(error).toMatchObject({ code: 'INVALID_FRAME_SIZE', size: 1025, maxFrameBytes: 1024 });
    expect(error.message).toBe('frame of 1025 bytes exceeds socket.request.max.bytes=1024');
    expect(catchError(() => readFrameSize(prefix(1025), 0, 1024)).message).toBe(
      'frame of 1025 bytes exceeds the limit of 1024 bytes',
    );
  });

  it('rejects a negative size, however large the limit', () => {
    const error = catchError(() => readFrameSize(Buffer.from([0xff, 0xff, 0xff, 0xfe]), 0, 2 ** 31 - 1));
    expect(error).toBeInstanceOf(FrameSizeError);
    expect(error).toMatchObject({ size: -2 });
    expect(error.message).toMatch(/frame size -2 is negative/);
  });
});

describe('FrameSplitter size checks', () => {
  it('throws FrameSizeError for a bad prefix, whole or split across chunks', () => {
    expect(() => new FrameSplitter(1024).push(prefix(2048), () => {})).toThrow(FrameSizeError);
    const split = new FrameSplitter(1024);
    split.push(prefix(2048).subarray(0, 2), () => {});
    expect(() => split.push(prefix(2048).subarray(2), () => {})).toThrow(FrameSizeError);
    expect(() => new FrameSplitter().push(prefix(-1), () => {})).toThrow(FrameSizeError);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}
