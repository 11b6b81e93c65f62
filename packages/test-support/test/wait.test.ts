import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/wait.js';

describe('waitFor', () => {
  it('resolves with the first truthy value of the condition, sync or async', async () => {
    let polls = 0;
    expect(await waitFor('the third poll', () => ++polls >= 3 && polls)).toBe(3);
    expect(await waitFor('an async value', async () => 'ready')).toBe('ready');
  });

  it('retries a condition that throws, so an expect inside it can come true', async () => {
    let polls = 0;
    await waitFor('polls to reach 3', () => {
      polls++;
      expect(polls).toBeGreaterThanOrEqual(3);
      return true;
    });
    expect(polls).toBe(3);
  });

  it('fails after the timeout naming what never happened and the last error', async () => {
    await expect(waitFor('nothing', () => false, { timeoutMs: 50 })).rejects.toThrow(
      'timed out after 50 ms waiting for nothing',
    );
    await expect(
      waitFor(
        'a failing check',
        () => {
          throw new Error('still broken');
        },
        { timeoutMs: 50 },
      ),
    ).rejects.toThrow(/waiting for a failing check \(last error: still broken\)/);
  });
});
