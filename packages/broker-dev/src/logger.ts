/**
 * Human-friendly log lines. In-process brokers are quiet unless given a logger; the CLI logs to
 * stderr so stdout carries only the BROKERS= line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Writes `HH:MM:SS.mmm LEVEL message` lines to a stream (stderr by default). */
export function streamLogger(
  level: LogLevel = 'info',
  stream: { write(line: string): unknown } = process.stderr,
): Logger {
  const min = RANK[level];
  const line = (lvl: LogLevel, message: string) => {
    if (RANK[lvl] < min) return;
    const time = new Date().toISOString().slice(11, 23);
    stream.write(`${time} ${lvl.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    debug: (m) => line('debug', m),
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}
