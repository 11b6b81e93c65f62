import { describe, expect, it } from 'vitest';
import { colorEnabled, createStyle } from '../src/style.js';

describe('colorEnabled', () => {
  const tty = { stdout: true, stderr: false };
  it('colours terminals only', () => {
    expect(colorEnabled({ env: {}, terminal: tty })).toBe(true);
    expect(colorEnabled({ env: {}, terminal: tty }, 'stderr')).toBe(false);
    expect(colorEnabled({ env: {} })).toBe(false);
    expect(colorEnabled({ env: { TERM: 'dumb' }, terminal: tty })).toBe(false);
  });

  it('respects NO_COLOR on a terminal and FORCE_COLOR in a pipe', () => {
    expect(colorEnabled({ env: { NO_COLOR: '1' }, terminal: tty })).toBe(false);
    expect(colorEnabled({ env: { NO_COLOR: '' }, terminal: tty })).toBe(true);
    expect(colorEnabled({ env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ env: { FORCE_COLOR: '0' }, terminal: tty })).toBe(false);
    expect(colorEnabled({ env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
  });
});

describe('createStyle', () => {
  it('wraps text in SGR codes when enabled and leaves it alone otherwise', () => {
    expect(createStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(createStyle(true).bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(createStyle(false).red('x')).toBe('x');
  });
});
