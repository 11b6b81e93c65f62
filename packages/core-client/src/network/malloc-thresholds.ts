/**
 * Makes glibc's malloc keep the memory of freed response frames for the next ones.
 *
 * Every large response frame (a Fetch response, up to megabytes) is a buffer of its own (see
 * FrameReader), malloc'ed by Node's ArrayBuffer allocator and freed when V8 collects it. glibc serves
 * allocations above its mmap threshold (128 KiB at start) with a fresh mmap, and it trims the heap top
 * once more than twice that threshold is free. It raises both thresholds only when an mmap'ed chunk is
 * freed, to that chunk's size (at most 32 MiB). Until frames of every size have been freed once, and
 * again each time a GC frees many at once and the top is trimmed, new frames land on fresh pages, and
 * the kernel faults each of them in.
 *
 * Measured with 1 KB records, 500k of them consumed with eachBatch: a consumer faulting 35-48k times
 * spent 2.3-3.5 µs of CPU per record; after this, 10-12k faults and 1.6-1.9 µs. It is what
 * `MALLOC_MMAP_THRESHOLD_=32MiB` would do, and it only changes where glibc keeps freed memory: the
 * freed heap top it may keep is 64 MiB.
 *
 * How: allocate, untouched (so only address space), one buffer just under the 32 MiB cap and let it
 * go. V8 frees it at the next young-generation GC, and freeing an mmap'ed chunk of that size sets the
 * thresholds. Other allocators ignore it; it costs nothing there.
 *
 * When: on the first response frame of at least MALLOC_TUNING_FRAME_BYTES, the size glibc would have
 * mmap'ed (connection.ts hands this to its FrameReader). The raised trim threshold is not free: glibc
 * then keeps up to 64 MiB of freed heap resident, whatever freed it (code loading, compilation, the
 * application). Measured with idle clients (bench/memory.ts): 15-55 MB more RSS in a process that never
 * receives a large frame and so never gains anything from it. A client that only produces, or a
 * consumer that only sees small fetches, leaves malloc alone.
 *
 * It changes the allocator of the whole process, so it can be turned off: per client with
 * `new Kafka({ tuneMalloc: false })` (its connections never do it), or for the process with
 * `SAMSA_MALLOC_TUNING=0` (README: "What Samsa does to your process").
 */
import { ConfigurationError } from '../errors.js';

export const MALLOC_TUNING_ENV = 'SAMSA_MALLOC_TUNING';

/** glibc's initial mmap threshold (DEFAULT_MMAP_THRESHOLD_MIN): the first frame this large tunes malloc. */
export const MALLOC_TUNING_FRAME_BYTES = 128 * 1024;

/** glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit, less room for the chunk header and page rounding. */
const PRIME_BYTES = 32 * 1024 * 1024 - 64 * 1024;

let primed = false;

/** Whether `SAMSA_MALLOC_TUNING` allows the tuning: unset or 1/true/on/yes does, 0/false/off/no does not. */
export function mallocTuningAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[MALLOC_TUNING_ENV]?.trim().toLowerCase();
  if (
    value === undefined ||
    value === '' ||
    value === '1' ||
    value === 'true' ||
    value === 'on' ||
    value === 'yes'
  )
    return true;
  if (value === '0' || value === 'false' || value === 'off' || value === 'no') return false;
  throw new ConfigurationError(
    MALLOC_TUNING_ENV,
    `expected 0 (or false, off, no) to turn malloc tuning off, or 1 (true, on, yes), got ${JSON.stringify(env[MALLOC_TUNING_ENV])}`,
  );
}

/**
 * Once per process: a freed 32 MiB chunk raises glibc's mmap and trim thresholds to their cap.
 * Does nothing when SAMSA_MALLOC_TUNING turns it off.
 */
export function raiseMallocThresholds(): void {
  if (primed || !mallocTuningAllowed()) return;
  primed = true;
  Buffer.allocUnsafeSlow(PRIME_BYTES);
}
