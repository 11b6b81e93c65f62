/**
 * Samsa's logger on top of a pino logger (pino is an optional peer dependency: nothing here imports
 * it). Entries become `logger.<level>({ namespace, ...extra }, message)`; namespaces are pino child
 * loggers, and levels follow the pino logger's, read at each call so `logger.level = 'debug'` applies.
 */
import { type LogCreator, type Logger, LogLevel } from '../logger.js';

/** The part of a pino logger Samsa uses. */
export interface PinoLike {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): PinoLike;
  isLevelEnabled(level: string): boolean;
  levels: { values: Record<string, number> };
}

export function isPinoLike(value: unknown): value is PinoLike {
  const v = value as Partial<PinoLike> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.child === 'function' &&
    typeof v.isLevelEnabled === 'function' &&
    typeof v.levels === 'object' &&
    v.levels !== null &&
    typeof v.levels.values === 'object'
  );
}

/** Samsa's logger writing to `pino` (`new Kafka({ logger: pino() })` does this for you). */
export function pinoLogger(pino: PinoLike): Logger {
  const make = (log: PinoLike, ns: string): Logger => ({
    get level() {
      return levelOf(log);
    },
    error: (m, e) => log.error(e ?? {}, m),
    warn: (m, e) => log.warn(e ?? {}, m),
    info: (m, e) => log.info(e ?? {}, m),
    debug: (m, e) => log.debug(e ?? {}, m),
    namespace: (child) => {
      const name = ns ? `${ns}.${child}` : child;
      return make(pino.child({ namespace: name }), name);
    },
  });
  return make(pino, '');
}

/** KafkaJS's `logCreator` writing to `pino`, for configurations that set one. */
export function pinoLogCreator(pino: PinoLike): LogCreator {
  return () =>
    ({ namespace, label, log }) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      const target = namespace ? pino.child({ namespace }) : pino;
      const method =
        label === 'ERROR' ? 'error' : label === 'WARN' ? 'warn' : label === 'INFO' ? 'info' : 'debug';
      target[method](extra, message);
    };
}

function levelOf(log: PinoLike): LogLevel {
  if (log.isLevelEnabled('debug')) return LogLevel.DEBUG;
  if (log.isLevelEnabled('info')) return LogLevel.INFO;
  if (log.isLevelEnabled('warn')) return LogLevel.WARN;
  if (log.isLevelEnabled('error')) return LogLevel.ERROR;
  return LogLevel.NOTHING;
}
