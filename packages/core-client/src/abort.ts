import { RequestAbortedError } from './errors.js';

/**
 * Settles as `promise` does, or rejects with a RequestAbortedError naming `what` as soon as `signal`
 * aborts. The work behind `promise` goes on (it may be shared); only this wait is given up.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new RequestAbortedError(what, signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RequestAbortedError(what, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
