import { describe, expect, it } from 'vitest';
import { RequestAbortedError } from '../../src/index.js';
import { HeldRequests, reauthenticationDelayMs } from '../../src/network/reauthentication.js';

describe('re-authentication timing', () => {
  it('starts reauthenticationThreshold ms before the session ends', () => {
    expect(reauthenticationDelayMs(3_600_000, 10_000)).toBe(3_590_000);
  });

  it('waits for half of a session shorter than twice the threshold, so it never loops', () => {
    expect(reauthenticationDelayMs(8_000, 10_000)).toBe(4_000);
    expect(reauthenticationDelayMs(1, 10_000)).toBe(0);
  });

  it('does nothing for sessions without a limit', () => {
    expect(reauthenticationDelayMs(0, 10_000)).toBeNull();
    expect(reauthenticationDelayMs(-1, 10_000)).toBeNull();
  });
});

describe('requests held during a re-authentication', () => {
  it('starts them in the order they were made, only when released', async () => {
    const held = new HeldRequests();
    const started: number[] = [];
    const results = [1, 2, 3].map((n) =>
      held.hold(
        async () => {
          started.push(n);
          return n * 10;
        },
        undefined,
        'r',
      ),
    );
    await Promise.resolve();
    expect(started).toEqual([]);
    held.release();
    expect(started).toEqual([1, 2, 3]);
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
  });

  it('drops a request whose signal aborts while it waits, and fails the rest on close', async () => {
    const held = new HeldRequests();
    const controller = new AbortController();
    const aborted = held.hold(async () => 'never', controller.signal, 'Produce request');
    const closed = held.hold(async () => 'never', undefined, 'Fetch request');
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
    held.fail(new Error('connection closed'));
    await expect(closed).rejects.toThrow('connection closed');
  });
});
