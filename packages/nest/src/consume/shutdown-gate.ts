import type { EachBatchPayload } from '../client/kafka-like.js';

/**
 * A container's shutdown as dispatch sees it. Once stop is requested no new record starts; if the
 * drain takes too long, the hard abort gives up on the handler calls still running (their records
 * stay uncommitted, so the group's next member gets them).
 */
export class ShutdownGate {
  private stopping = false;
  private aborted = false;
  private readonly abortWaiters = new Set<() => void>();

  get stopRequested(): boolean {
    return this.stopping;
  }

  get hardAborted(): boolean {
    return this.aborted;
  }

  requestStop(): void {
    this.stopping = true;
  }

  /** Gives up on running handler calls: wakes everything waiting in `onHardAbort`. */
  abort(): void {
    this.aborted = true;
    for (const wake of this.abortWaiters) wake();
    this.abortWaiters.clear();
  }

  /** Calls `wake` on the hard abort, at once if it already happened. */
  onHardAbort(wake: () => void): void {
    if (this.aborted) wake();
    else this.abortWaiters.add(wake);
  }

  offHardAbort(wake: () => void): void {
    this.abortWaiters.delete(wake);
  }

  /** Whether a new record may start: no stop requested, and the client still runs and owns the partition. */
  canStart(fetch: EachBatchPayload): boolean {
    return !this.stopping && !this.aborted && fetch.isRunning() && !fetch.isStale();
  }
}
