/**
 * Human-friendly log lines. In-process brokers are quiet unless given a logger; the CLI logs to
 * stderr so stdout carries only the BROKERS= line.
 *
 * Messages carry what clients send (client ids, topics, group and member ids), so the broker's logger
 * keeps every message on one line with no terminal controls (escapingLogger): a client id with a
 * newline cannot forge a log line, nor ANSI escapes repaint the terminal.
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

/**
 * Characters that break a log line or the terminal showing it: C0 and C1 controls (newlines, ESC),
 * DEL, the Unicode line and paragraph separators, and bidirectional overrides that reorder text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'g');

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(char: string): string {
  const named = NAMED_ESCAPES[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character written as an escape (`\n`, `\x1b`, `\u2028`), so it stays one line. */
export function escapeControlCharacters(text: string): string {
  return UNSAFE_CHARACTER.test(text) ? text.replace(UNSAFE_CHARACTERS, escapeCharacter) : text;
}

/** Wraps `logger` so every message reaches it escaped (see escapeControlCharacters). */
export function escapingLogger(logger: Logger): Logger {
  if (logger === silentLogger) return logger;
  return {
    debug: (m) => logger.debug(escapeControlCharacters(m)),
    info: (m) => logger.info(escapeControlCharacters(m)),
    warn: (m) => logger.warn(escapeControlCharacters(m)),
    error: (m) => logger.error(escapeControlCharacters(m)),
  };
}
