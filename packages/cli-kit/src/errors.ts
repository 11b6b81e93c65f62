import { ExitCode } from './exit-codes.js';

/**
 * The command line is wrong: a flag value out of range, two flags that exclude each other, a file that does not
 * exist. The runner prints the message with the command's help and exits with code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A failure the user can act on (a port in use, a server that cannot be reached): the runner prints the message
 * alone, without a stack trace, and exits with `exitCode` (1 unless a command documents another).
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? ExitCode.Failure;
  }
}
