/**
 * Memory for request frames that span socket reads, when handlers may keep them (the memory log
 * adopts produced batches instead of copying them; see Connection).
 *
 * Fresh memory costs a page fault per 4 KiB page when first written, and the kernel takes those
 * faults on the event loop while it copies socket data in. So once a broker ingests heavily
 * (START_AFTER_BYTES of such frames), a helper thread faults in slabs ahead of time and frames are
 * carved out of them: the reads land in mapped memory. The total CPU is the same, but the event
 * loop, which every client waits on, does less. Frames the slabs cannot take (none ready, or
 * larger than half a slab) get a fresh buffer of their own.
 *
 * A carved frame keeps its whole slab alive while anything references it. Only frames that span
 * reads come from here, and with heap segments (in-memory storage without a tmpfs) those are almost
 * all produce requests whose batches are kept anyway.
 */
import { Worker } from 'node:worker_threads';
import { longLivedBuffer, noteSharedMemory } from '../long-lived-buffer.js';

const SLAB_BYTES = 8 * 1024 * 1024;
/** Slabs kept ready: enough that the event loop at full speed does not outrun the helper. */
const READY_SLABS = 3;
/**
 * Below this much large-frame memory a helper thread is not worth starting: its start-up and the
 * slabs left over cost more than the faults it would take off the event loop.
 */
const START_AFTER_BYTES = 128 * 1024 * 1024;

/**
 * The helper: allocates slabs and writes one byte per page, which makes the kernel map every page.
 * It drops each slab once posted, but V8 would only let go of it at a GC, which a thread allocating
 * this little never has; an unwritten ordinary buffer every 32 slabs (see long-lived-buffer.ts)
 * makes it collect, so slabs the broker no longer uses are freed.
 */
const HELPER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let posted = 0;
parentPort.on('message', (count) => {
  for (let i = 0; i < count; i++) {
    const slab = new SharedArrayBuffer(workerData.slabBytes);
    const bytes = new Uint8Array(slab);
    for (let p = 0; p < bytes.length; p += 4096) bytes[p] = 0;
    parentPort.postMessage(slab);
    if (++posted % 32 === 0) Buffer.allocUnsafeSlow(128 * 1024 * 1024);
  }
});
`;

export class FrameMemory {
  private slab: Buffer | undefined;
  private slabUsed = 0;
  private readonly ready: SharedArrayBuffer[] = [];
  private requested = 0;
  private helper: Worker | undefined;
  private helperFailed = false;
  private plainBytes = 0;

  /** `startAfterBytes`: large-frame memory allocated the plain way before the helper starts. */
  constructor(private readonly startAfterBytes = START_AFTER_BYTES) {}

  /** A buffer of exactly `size` bytes that nothing else uses. */
  allocate(size: number): Buffer {
    if (size <= SLAB_BYTES / 2) {
      if (!this.slab || this.slabUsed + size > this.slab.length) this.nextSlab();
      if (this.slab) {
        const frame = this.slab.subarray(this.slabUsed, this.slabUsed + size);
        this.slabUsed += size;
        return frame;
      }
    }
    this.plainBytes += size;
    if (this.plainBytes >= this.startAfterBytes) this.startHelper();
    return longLivedBuffer(size);
  }

  /** Whether the helper thread runs (for tests). */
  get prefaulting(): boolean {
    return this.helper !== undefined;
  }

  /** Stops the helper thread; later allocations start over the plain way. */
  close(): void {
    const helper = this.helper;
    this.helper = undefined;
    this.slab = undefined;
    this.ready.length = 0;
    this.requested = 0;
    this.plainBytes = 0;
    if (helper) void helper.terminate();
  }

  private nextSlab(): void {
    const next = this.ready.shift();
    this.slab = next ? Buffer.from(next) : undefined;
    this.slabUsed = 0;
    this.refill();
  }

  private refill(): void {
    const helper = this.helper;
    if (!helper) return;
    const missing = READY_SLABS - this.ready.length - this.requested;
    if (missing <= 0) return;
    this.requested += missing;
    helper.postMessage(missing);
  }

  private startHelper(): void {
    if (this.helper || this.helperFailed) return;
    let helper: Worker;
    try {
      helper = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: { slabBytes: SLAB_BYTES },
        // Not the parent's flags: a TypeScript loader (--import tsx) would load for nothing.
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      });
    } catch {
      this.helperFailed = true;
      return;
    }
    helper.unref();
    helper.on('message', (slab: SharedArrayBuffer) => {
      if (this.helper !== helper) return;
      this.requested--;
      this.ready.push(slab);
      noteSharedMemory(slab.byteLength);
    });
    // Without the helper, frames simply get fresh buffers of their own.
    helper.on('error', () => {
      this.helperFailed = true;
      if (this.helper === helper) this.close();
    });
    this.helper = helper;
    this.refill();
  }
}
