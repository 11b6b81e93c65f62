/**
 * Colours and emphasis for terminal output, only where they help: on a terminal, unless NO_COLOR is set
 * (https://no-color.org); FORCE_COLOR turns them on anywhere (FORCE_COLOR=0 off). Piped output stays plain text.
 */
import type { CliIo } from './io.js';

export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Whether output to `stream` of a command run with `io` may carry colours. */
export function colorEnabled(
  io: Pick<CliIo, 'env' | 'terminal'>,
  stream: 'stdout' | 'stderr' = 'stdout',
): boolean {
  const { env } = io;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return io.terminal?.[stream] === true && env.TERM !== 'dumb';
}

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const plain = (text: string) => text;

/** A style that colours when `enabled`, and returns text unchanged otherwise. */
export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** The style for a command's stdout (or stderr). */
export function styleFor(io: Pick<CliIo, 'env' | 'terminal'>, stream: 'stdout' | 'stderr' = 'stdout'): Style {
  return createStyle(colorEnabled(io, stream));
}
