import { afterEach, describe, expect, it, vi } from 'vitest';
import { startedByNpx, watchParent } from '../src/parent.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('startedByNpx', () => {
  it('is true only for npm exec (npx)', () => {
    expect(startedByNpx({ npm_command: 'exec' })).toBe(true);
    expect(startedByNpx({ npm_command: 'run-script' })).toBe(false);
    expect(startedByNpx({})).toBe(false);
  });
});

describe('watchParent', () => {
  it('calls back once, with the old parent, after the process is re-parented', () => {
    vi.useFakeTimers();
    const parent = 4242;
    const ppid = vi.spyOn(process, 'ppid', 'get').mockReturnValue(parent);
    const gone = vi.fn();
    watchParent(gone, 100);
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
    ppid.mockReturnValue(1);
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(1000);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(gone).toHaveBeenCalledWith(parent);
  });

  it('notices a parent that was already gone when watching started', () => {
    vi.useFakeTimers();
    vi.spyOn(process, 'ppid', 'get').mockReturnValue(1);
    const gone = vi.fn();
    watchParent(gone, 100, 4242);
    vi.advanceTimersByTime(100);
    expect(gone).toHaveBeenCalledWith(4242);
  });

  it('stops watching when asked', () => {
    vi.useFakeTimers();
    const ppid = vi.spyOn(process, 'ppid', 'get').mockReturnValue(4242);
    const gone = vi.fn();
    const stop = watchParent(gone, 100);
    stop();
    ppid.mockReturnValue(1);
    vi.advanceTimersByTime(1000);
    expect(gone).not.toHaveBeenCalled();
  });
});
