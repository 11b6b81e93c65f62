/**
 * Samsa's logger on top of a winston logger (winston is an optional peer dependency: nothing here
 * imports it). Entries become `logger.log(level, message, { namespace, ...extra })`; namespaces are
 * winston child loggers, and levels follow the winston logger's, read at each call.
 */
import { type LogCreator, type Logger, LogLevel } from '../logger.js';

/** The part of a winston logger Samsa uses. */
export interface WinstonLike {
  log(level: string, message: string, meta?: Record<string, unknown>): unknown;
  child(meta: Record<string, unknown>): WinstonLike;
  isLevelEnabled(level: string): boolean;
}

export function isWinstonLike(value: unknown): value is WinstonLike {
  const v = value as (Partial<WinstonLike> & { transports?: unknown }) | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.log === 'function' &&
    typeof v.child === 'function' &&
    typeof v.isLevelEnabled === 'function' &&
    v.transports !== undefined
  );
}

/** Samsa's logger writing to `winston` (`new Kafka({ logger: winston.createLogger(...) })` does this for you). */
export function winstonLogger(winston: WinstonLike): Logger {
  const make = (log: WinstonLike, ns: string): Logger => {
    const write = (level: string, message: string, extra?: Record<string, unknown>) => {
      if (log.isLevelEnabled(level)) log.log(level, message, extra);
    };
    return {
      get level() {
        return levelOf(log);
      },
      error: (m, e) => write('error', m, e),
      warn: (m, e) => write('warn', m, e),
      info: (m, e) => write('info', m, e),
      debug: (m, e) => write('debug', m, e),
      namespace: (child) => {
        const name = ns ? `${ns}.${child}` : child;
        return make(winston.child({ namespace: name }), name);
      },
    };
  };
  return make(winston, '');
}

/** KafkaJS's `logCreator` writing to `winston`, for configurations that set one. */
export function winstonLogCreator(winston: WinstonLike): LogCreator {
  return () =>
    ({ namespace, label, log }) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      const level = label.toLowerCase();
      if (!winston.isLevelEnabled(level)) return;
      winston.log(level, message, namespace ? { namespace, ...extra } : extra);
    };
}

function levelOf(log: WinstonLike): LogLevel {
  if (log.isLevelEnabled('debug')) return LogLevel.DEBUG;
  if (log.isLevelEnabled('info')) return LogLevel.INFO;
  if (log.isLevelEnabled('warn')) return LogLevel.WARN;
  if (log.isLevelEnabled('error')) return LogLevel.ERROR;
  return LogLevel.NOTHING;
}
