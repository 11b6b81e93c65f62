/**
 * The `logger` option: Samsa's own logger, or a pino or winston logger recognized by its shape
 * (neither library is imported; both are optional peer dependencies).
 */
import { describe } from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isPinoLike, type PinoLike, pinoLogger } from './pino.js';
import { isWinstonLike, type WinstonLike, winstonLogger } from './winston.js';

/** What `logger` accepts. */
export type LoggerOption = Logger | PinoLike | WinstonLike;

export function isSamsaLogger(value: unknown): value is Logger {
  const v = value as Partial<Logger> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.namespace === 'function' &&
    typeof v.info === 'function' &&
    typeof v.level === 'number'
  );
}

export function toLogger(value: unknown, option = 'logger'): Logger {
  if (isSamsaLogger(value)) return value;
  if (isPinoLike(value)) return pinoLogger(value);
  if (isWinstonLike(value)) return winstonLogger(value);
  throw new ConfigurationError(
    option,
    `expected a Samsa logger (createLogger()), a pino logger or a winston logger, got ${describe(value)}; for ` +
      'another library pass logCreator (KafkaJS style)',
  );
}
