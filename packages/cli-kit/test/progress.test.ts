import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/progress.js';

describe('ProgressBar', () => {
  it('draws nothing when not on a terminal', () => {
    let out = '';
    const bar = new ProgressBar({ write: (t) => (out += t), enabled: false, unit: 'records' });
    bar.update(10, 0.5);
    bar.clear();
    expect(out).toBe('');
  });

  it('redraws in place at most ten times a second, with the rate and the share done', () => {
    let now = 0;
    let out = '';
    const bar = new ProgressBar({ write: (t) => (out += t), enabled: true, unit: 'records', now: () => now });
    now = 1000;
    bar.update(500, 0.25);
    now = 1050;
    bar.update(600, 0.3);
    now = 2000;
    bar.update(1000, 0.5);
    const draws = out.split('\r\u001b[2K').filter(Boolean);
    expect(draws).toEqual([
      '[======>                 ]  25%  500 records  500 records/s',
      '[============>           ]  50%  1,000 records  500 records/s',
    ]);
    bar.clear();
    expect(out.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('shows counts alone when the input size is unknown', () => {
    let now = 0;
    const bar = new ProgressBar({ write: () => {}, enabled: true, unit: 'records', now: () => now });
    now = 2000;
    bar.update(3000);
    expect(bar.render()).toBe('3,000 records  1,500 records/s');
  });
});
