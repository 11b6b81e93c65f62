/**
 * Logging: a tiny structured logger with KafkaJS's levels and `logCreator` hook, so KafkaJS
 * logging setups carry over. Disabled levels cost one comparison.
 */

/** KafkaJS's numeric levels. */
export const LogLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface LogEntry {
  namespace: string;
  level: LogLevel;
  label: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
  log: { timestamp: string; logger: 'samsa'; message: string; [key: string]: unknown };
}

/** KafkaJS-compatible: `logCreator(logLevel)` returns the function every entry goes to. */
export type LogCreator = (logLevel: LogLevel) => (entry: LogEntry) => void;

export interface Logger {
  error(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  debug(message: string, extra?: Record<string, unknown>): void;
  /** A logger that tags entries with `namespace`. */
  namespace(namespace: string): Logger;
  readonly level: LogLevel;
}

const LABELS = { 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' } as const;

/** Writes one JSON line per entry to stderr, like KafkaJS's default. */
export const jsonStderrLogCreator: LogCreator = () => (entry) => {
  const { timestamp, logger: _l, message, ...extra } = entry.log;
  process.stderr.write(
    `${JSON.stringify({ level: entry.label, timestamp, logger: 'samsa', namespace: entry.namespace, message, ...extra })}\n`,
  );
};

export function createLogger(
  level: LogLevel = LogLevel.INFO,
  logCreator: LogCreator = jsonStderrLogCreator,
): Logger {
  const sink = logCreator(level);
  const make = (ns: string): Logger => {
    const emit = (lvl: 1 | 2 | 4 | 5, message: string, extra?: Record<string, unknown>) => {
      if (lvl > level) return;
      try {
        sink({
          namespace: ns,
          level: lvl,
          label: LABELS[lvl],
          log: { timestamp: new Date().toISOString(), logger: 'samsa', message, ...extra },
        });
      } catch {
        // A broken log sink must not break the client.
      }
    };
    return {
      level,
      error: (m, e) => emit(1, m, e),
      warn: (m, e) => emit(2, m, e),
      info: (m, e) => emit(4, m, e),
      debug: (m, e) => emit(5, m, e),
      namespace: (child) => make(ns ? `${ns}.${child}` : child),
    };
  };
  return make('');
}

/** A logger that drops everything. */
export const nullLogger: Logger = createLogger(LogLevel.NOTHING, () => () => {});
