/** Wakeup (the control loops' interruptible sleep) and raceAbort (giving up a wait on abort). */
import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/abort.js';
import { Wakeup } from '../../src/consumer/wakeup.js';
import { RequestAbortedError } from '../../src/errors.js';

describe('Wakeup', () => {
  it('ends a sleep without a timeout only when woken', async () => {
    const wakeup = new Wakeup();
    let woke = false;
    const sleeping = wakeup.sleep().then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(false);
    wakeup.wake();
    await sleeping;
    expect(woke).toBe(true);
  });

  it('ends a sleep after its timeout, and a later wake is harmless', async () => {
    const wakeup = new Wakeup();
    await wakeup.sleep(5);
    expect(() => wakeup.wake()).not.toThrow();
  });

  it('drops a wake with nobody asleep', async () => {
    const wakeup = new Wakeup();
    wakeup.wake();
    let woke = false;
    const sleeping = wakeup.sleep().then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(false);
    wakeup.wake();
    await sleeping;
  });
});

describe('raceAbort', () => {
  it('passes the result through without a signal or before an abort', async () => {
    await expect(raceAbort(Promise.resolve(1), undefined, 'x')).resolves.toBe(1);
    await expect(raceAbort(Promise.resolve(2), new AbortController().signal, 'x')).resolves.toBe(2);
    await expect(
      raceAbort(Promise.reject(new Error('boom')), new AbortController().signal, 'x'),
    ).rejects.toThrow('boom');
  });

  it('rejects with a RequestAbortedError naming the wait, at once or when aborted', async () => {
    const aborted = AbortSignal.abort('stop');
    await expect(raceAbort(new Promise(() => {}), aborted, 'Connecting')).rejects.toBeInstanceOf(
      RequestAbortedError,
    );
    const controller = new AbortController();
    const waiting = raceAbort(new Promise(() => {}), controller.signal, 'Connecting');
    controller.abort('stop');
    await expect(waiting).rejects.toThrow(/Connecting/);
  });
});
