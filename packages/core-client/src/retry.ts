/** Exponential back-off with jitter, and a retry loop built on it. */
import type { ResolvedRetry } from './config/client-options.js';
import { isRetriable, RequestAbortedError, RetriesExhaustedError } from './errors.js';

/** Back-off before retry number `attempt` (0-based): initial * multiplier^attempt, capped, ± factor jitter. */
export function backoffMs(retry: ResolvedRetry, attempt: number): number {
  const base = Math.min(retry.maxRetryTimeMs, retry.initialRetryTimeMs * retry.multiplier ** attempt);
  const jitter = base * retry.factor * (Math.random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}

/** Resolves after `ms`, or rejects with RequestAbortedError when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new RequestAbortedError('wait', signal.reason));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAbortedError('wait', signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryLoopOptions {
  signal?: AbortSignal;
  /** Defaults to `isRetriable`. */
  shouldRetry?: (err: unknown) => boolean;
  /** Called before each back-off, e.g. to refresh metadata. */
  onRetry?: (err: unknown, attempt: number) => void | Promise<void>;
  /** For the RetriesExhaustedError message. */
  what?: string;
}

/**
 * Runs `fn` until it succeeds, a non-retriable error is thrown (rethrown as is), or
 * `retry.retries` retries fail (RetriesExhaustedError with the last error as cause).
 */
export async function withRetry<T>(
  retry: ResolvedRetry,
  fn: (attempt: number) => Promise<T>,
  options: RetryLoopOptions = {},
): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isRetriable;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (err instanceof RequestAbortedError || !shouldRetry(err)) throw err;
      if (attempt >= retry.retries) {
        if (retry.retries === 0) throw err;
        throw new RetriesExhaustedError(options.what ?? 'request', attempt + 1, err);
      }
      await options.onRetry?.(err, attempt);
      await sleep(backoffMs(retry, attempt), options.signal);
    }
  }
}
