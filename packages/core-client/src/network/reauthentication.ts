/**
 * KIP-368 re-authentication support for a connection: when to start it, and the requests that wait
 * while it runs. A broker answers a connection's requests in order, so requests already written stay
 * in flight and are answered before the SaslHandshake; requests made while the SASL exchange runs are
 * held and written, in order, once it is done (as the Java client queues them).
 */
import { RequestAbortedError } from '../errors.js';

/**
 * Ms after authenticating to start re-authenticating: `thresholdMs` before the session ends, but not
 * before half of it has passed (a session shorter than the threshold would otherwise re-authenticate
 * in a loop). Null when the broker set no limit.
 */
export function reauthenticationDelayMs(sessionLifetimeMs: number, thresholdMs: number): number | null {
  if (!(sessionLifetimeMs > 0)) return null;
  return Math.max(sessionLifetimeMs - thresholdMs, Math.floor(sessionLifetimeMs / 2));
}

interface HeldRequest {
  start: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/** Requests made during a re-authentication, written in order when it ends. */
export class HeldRequests {
  private readonly queue: HeldRequest[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Resolves as `start()` will, once released; `what` names the request if the signal aborts it. */
  hold<T>(start: () => Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const held: HeldRequest = {
        start,
        resolve: resolve as (value: unknown) => void,
        reject,
        signal,
        onAbort: undefined,
        done: false,
      };
      if (signal) {
        held.onAbort = () => {
          if (held.done) return;
          held.done = true;
          reject(new RequestAbortedError(what, signal.reason));
        };
        signal.addEventListener('abort', held.onAbort, { once: true });
      }
      this.queue.push(held);
    });
  }

  /** Starts every held request, synchronously and in the order they were made. */
  release(): void {
    for (const held of this.queue.splice(0)) {
      if (held.done) continue;
      held.done = true;
      if (held.onAbort) held.signal!.removeEventListener('abort', held.onAbort);
      held.start().then(held.resolve, held.reject);
    }
  }

  fail(err: Error): void {
    for (const held of this.queue.splice(0)) {
      if (held.done) continue;
      held.done = true;
      if (held.onAbort) held.signal!.removeEventListener('abort', held.onAbort);
      held.reject(err);
    }
  }
}
