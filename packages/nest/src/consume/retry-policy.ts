import { HttpException } from '@nestjs/common';
import { DeserializationError, NonRetryableError } from '../errors.js';
import type { BackoffOptions, RetryOptions } from '../subscribe/subscribe-options.js';

export interface RetryPolicy {
  /** Deliveries including the first. */
  attempts: number;
  /** Wait after the `failures`-th failure (1-based). */
  delayMs(failures: number): number;
  retryable(error: unknown): boolean;
}

/** Whether `error`, thrown by attempt number `attempt`, earns another attempt under `policy`. */
export function earnsRetry(policy: RetryPolicy, error: unknown, attempt: number): boolean {
  return policy.retryable(error) && attempt < policy.attempts;
}

export const DEFAULT_RETRY = { attempts: 3, initialMs: 100, multiplier: 2, maxMs: 5_000 } as const;

/** Errors that fail the same way however often they are retried. */
export function isRetryableByDefault(error: unknown): boolean {
  if (error instanceof NonRetryableError || error instanceof DeserializationError) return false;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // 4xx says the input or the caller is wrong (validation, guards), except "try again later" codes.
    return !(status >= 400 && status < 500 && status !== 408 && status !== 429);
  }
  return true;
}

export function resolveRetryPolicy(retry: RetryOptions | false | undefined): RetryPolicy {
  if (retry === false) return { attempts: 1, delayMs: () => 0, retryable: () => false };
  const attempts = retry?.attempts ?? DEFAULT_RETRY.attempts;
  const backoff: BackoffOptions =
    typeof retry?.backoff === 'number'
      ? { initialMs: retry.backoff, multiplier: 1, maxMs: retry.backoff }
      : (retry?.backoff ?? {});
  const initialMs = backoff.initialMs ?? DEFAULT_RETRY.initialMs;
  const multiplier = backoff.multiplier ?? DEFAULT_RETRY.multiplier;
  const maxMs = backoff.maxMs ?? Math.max(DEFAULT_RETRY.maxMs, initialMs);
  const userRetryable = retry?.retryable;
  return {
    attempts,
    delayMs: (failures) => Math.min(maxMs, initialMs * multiplier ** Math.max(0, failures - 1)),
    retryable: (error) => isRetryableByDefault(error) && (userRetryable ? userRetryable(error) : true),
  };
}
