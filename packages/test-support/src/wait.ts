/**
 * Waiting in tests: poll a condition until it holds, bounded in time. The bound is a guard against a
 * hang, not a performance claim, so it is generous and never asserted on.
 */

export interface WaitOptions {
  /** Give up after this long (default 15 s, under vitest's 30 s test timeout so `what` is reported). */
  timeoutMs?: number;
  /** Pause between polls (default 10 ms). */
  intervalMs?: number;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 15_000;

/**
 * Polls `condition` until it returns a truthy value and resolves with that value. A condition that
 * throws counts as not yet (its last error is reported on timeout), so an `expect` inside it retries.
 * Fails with "timed out after N ms waiting for <what>".
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
