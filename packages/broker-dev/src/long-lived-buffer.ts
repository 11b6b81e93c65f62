/**
 * Buffers for bytes the broker keeps: request frames the memory log adopts, the memory log's own
 * copies. Large ones are backed by a SharedArrayBuffer, only because V8 does not count those as
 * external memory: a broker keeping a gigabyte of produced batches in ordinary Buffers gets a major
 * GC for every 64 MiB it receives. They are never shared with another thread except by
 * FrameMemory's helper, which only creates them.
 *
 * The flip side: V8 does not see that memory go away either, so garbage SharedArrayBuffers (deleted
 * segments, requests that were not kept) would wait for a GC that something else triggers. Every
 * NUDGE_EVERY_BYTES of them allocated, an ordinary buffer large enough to count as external memory
 * pressure makes V8 collect soon; it is never written, so it costs address space, not memory.
 */

/** Below this, a SharedArrayBuffer's own overhead is not worth it. */
const SHARED_MIN = 64 * 1024;
const NUDGE_EVERY_BYTES = 512 * 1024 * 1024;
/** Above V8's 64 MiB external-memory step, so it starts a GC. */
const NUDGE_BYTES = 128 * 1024 * 1024;

let sharedSinceNudge = 0;

/** A buffer of `size` bytes, uninitialized or zeroed, that no one else uses. */
export function longLivedBuffer(size: number): Buffer {
  if (size < SHARED_MIN) return Buffer.allocUnsafeSlow(size);
  noteSharedMemory(size);
  return Buffer.from(new SharedArrayBuffer(size));
}

/** Accounts SharedArrayBuffer memory that was allocated elsewhere (FrameMemory's slabs). */
export function noteSharedMemory(bytes: number): void {
  sharedSinceNudge += bytes;
  if (sharedSinceNudge < NUDGE_EVERY_BYTES) return;
  sharedSinceNudge = 0;
  Buffer.allocUnsafeSlow(NUDGE_BYTES);
}
