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
 */

/** glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit, less room for the chunk header and page rounding. */
const PRIME_BYTES = 32 * 1024 * 1024 - 64 * 1024;

let primed = false;

/** Once per process: a freed 32 MiB chunk raises glibc's mmap and trim thresholds to their cap. */
export function raiseMallocThresholds(): void {
  if (primed) return;
  primed = true;
  Buffer.allocUnsafeSlow(PRIME_BYTES);
}
