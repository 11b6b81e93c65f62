import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { ContainerStats } from './container-stats.js';
import type { Delivery } from './delivery.js';
import type { ShutdownGate } from './shutdown-gate.js';
import type { HandlerInvoker } from './subscription-spec.js';

/** What an asynchronous handler call resolves to when shutdown gave up waiting for it. */
export const ABORTED = Symbol('aborted');

/** How a strategy calls the handler (see `HandlerRunner.call`). */
export interface HandlerCalls {
  call(delivery: Delivery): unknown;
}

/** Calls the user's handler and waits for what it returns (value, promise or Observable). */
export class HandlerRunner implements HandlerCalls {
  constructor(
    private readonly invoke: HandlerInvoker,
    private readonly gate: ShutdownGate,
    private readonly stats: ContainerStats,
  ) {}

  /**
   * Calls the handler with a delivery's payload and context. A synchronous result or throw comes back
   * synchronously (no promise hop); a promise or Observable comes back as a promise of its value, or
   * of ABORTED if shutdown gives up first.
   */
  call(delivery: Delivery): unknown {
    const result = this.invoke(delivery.payload, delivery.context);
    return result instanceof Promise || isObservable(result) ? this.settle(result) : result;
  }

  private settle(result: Promise<unknown> | Observable<unknown>): Promise<unknown> {
    this.stats.inFlight++;
    const running = isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
    return new Promise((resolve, reject) => {
      const abort = () => resolve(ABORTED);
      this.gate.onHardAbort(abort);
      running.then(
        (value) => {
          this.gate.offHardAbort(abort);
          this.stats.inFlight--;
          resolve(value);
        },
        (error) => {
          this.gate.offHardAbort(abort);
          this.stats.inFlight--;
          reject(error);
        },
      );
    });
  }
}
