/**
 * The budget for request bytes held before they are handled, across every connection of a broker process
 * (Kafka's queued.max.request.bytes and its memory pool): frames that span socket reads, from the moment
 * their size prefix announces them, and frames queued behind a request still being answered.
 *
 * A connection that needs memory the budget does not have stops reading from its socket until enough is
 * released (backpressure, as Kafka mutes the channel), rather than allocating: many clients each announcing
 * a 100 MiB frame cost at most the budget. Waiters are served in arrival order, and a frame larger than the
 * whole budget still gets through once nothing else holds any, so no request size can stall forever.
 */
export class RequestMemory {
  private used = 0;
  private readonly waiting: { size: number; grant: () => void }[] = [];

  /** `limit`: bytes; Infinity for no budget. */
  constructor(readonly limit: number) {}

  /** Bytes reserved now (may pass the limit by frames that had already arrived, see reserveArrived). */
  get usedBytes(): number {
    return this.used;
  }

  /** Connections waiting for memory. */
  get waiters(): number {
    return this.waiting.length;
  }

  /** Reserves `size` bytes if the budget has them and nobody waits before us; false otherwise. */
  tryReserve(size: number): boolean {
    if (this.waiting.length > 0 || !this.fits(size)) return false;
    this.used += size;
    return true;
  }

  /**
   * Calls `grant` once `size` bytes are reserved for the caller (in arrival order). Returns a function that
   * withdraws the request if it is still waiting (the connection closed).
   */
  whenAvailable(size: number, grant: () => void): () => void {
    const waiter = { size, grant };
    this.waiting.push(waiter);
    return () => {
      const at = this.waiting.indexOf(waiter);
      if (at >= 0) this.waiting.splice(at, 1);
      // Whoever waited behind a withdrawn large request may fit now.
      if (at === 0) this.grantWaiting();
    };
  }

  /**
   * Counts bytes already read off a socket (a frame copied to wait behind an unanswered request): they
   * cannot be refused, only stop the next reads.
   */
  reserveArrived(size: number): void {
    this.used += size;
  }

  release(size: number): void {
    if (size <= 0) return;
    this.used -= size;
    this.grantWaiting();
  }

  /** Whether no reservation can start now: connections should stop reading more. */
  get exhausted(): boolean {
    return this.used >= this.limit || this.waiting.length > 0;
  }

  private fits(size: number): boolean {
    return this.used === 0 || this.used + size <= this.limit;
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].size)) {
      const waiter = this.waiting.shift()!;
      this.used += waiter.size;
      waiter.grant();
    }
  }
}
