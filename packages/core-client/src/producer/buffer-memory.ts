/**
 * `bufferMemory` accounting: bytes held by batches not yet acknowledged. `send()` takes room
 * before it writes a batch and waits (up to `maxBlockMs`) while there is none; acknowledged or
 * failed batches give it back, waking waiters in FIFO order.
 */
import { BufferExhaustedError, RecordTooLargeError, RequestAbortedError } from '../errors.js';

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class BufferMemory {
  used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly total: number,
    private readonly maxBlockMs: number,
  ) {}

  /** Sends waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Someone is blocked on memory: the accumulator sends everything it can at once. */
  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  tryReserve(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.total) return false;
    this.used += bytes;
    return true;
  }

  /** Takes room even past the limit (a batch that overshot its reservation by its last record). */
  forceReserve(bytes: number): void {
    this.used += bytes;
  }

  /** Waits for `bytes` of room; rejects with BufferExhaustedError after `maxBlockMs`. */
  reserve(bytes: number, signal?: AbortSignal): Promise<void> {
    if (bytes > this.total) return Promise.reject(new RecordTooLargeError(bytes, 'bufferMemory', this.total));
    if (this.tryReserve(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(new BufferExhaustedError(this.total, this.maxBlockMs));
        }, this.maxBlockMs),
      };
      if (signal) {
        signal.addEventListener(
          'abort',
          () => {
            if (this.remove(waiter)) reject(new RequestAbortedError('send', signal.reason));
          },
          { once: true },
        );
      }
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiters.length > 0 && this.used + this.waiters[0].bytes <= this.total) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.used += w.bytes;
      w.resolve();
    }
  }

  /** Fails every waiter (producer closing). */
  failAll(err: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private remove(waiter: Waiter): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    clearTimeout(waiter.timer);
    // The head may have been blocking smaller requests behind it.
    this.release(0);
    return true;
  }
}
