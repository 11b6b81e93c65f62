import { describe, expect, it } from 'vitest';
import { unknownOptionProblems } from '../../src/subscribe/option-problems.js';

describe('unknownOptionProblems', () => {
  it('turns a retry count into the attempts it means, wherever it was written', () => {
    expect(unknownOptionProblems({ retry: { retries: 2 } }.retry, ['attempts', 'backoff'], 'retry')).toEqual([
      `unknown option 'retry.retries': retries are set with retry: { attempts: 3 } (attempts count deliveries, ` +
        'the first one included)',
    ]);
    expect(unknownOptionProblems({ maxAttempts: 5 }, ['retry'])).toEqual([
      `unknown option 'maxAttempts': retries are set with retry: { attempts: 5 } (attempts count deliveries, ` +
        'the first one included)',
    ]);
  });

  it("keeps core-client's did-you-mean for every other name", () => {
    expect(unknownOptionProblems({ valeu: 'json', retry: {} }, ['value', 'retry'])).toEqual([
      `unknown option 'valeu' (did you mean 'value'?)`,
    ]);
  });
});
