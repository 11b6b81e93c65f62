import { Command } from 'commander';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

/** The commander error code of a UsageError thrown by an action. */
export const USAGE_ERROR_CODE = 'samsa.usage';

/**
 * A commander Command with Samsa's conventions for actions: an action resolves with the exit code (nothing = 0),
 * and a UsageError it throws is reported as commander reports its own (the message, then the command's help) with
 * exit code 2. Subcommands made with `.command()` are CliCommands too.
 */
export class CliCommand extends Command {
  /** What the last action resolved with, read by runProgram (kept on the root command). */
  actionExitCode: number | undefined;

  override createCommand(name?: string): CliCommand {
    return new CliCommand(name);
  }

  override action(handler: (this: this, ...args: never[]) => unknown): this {
    return super.action(async (...args: unknown[]) => {
      let result: unknown;
      try {
        result = await handler.apply(this, args as never[]);
      } catch (error) {
        if (error instanceof UsageError) {
          this.error(error.message, { exitCode: ExitCode.Usage, code: USAGE_ERROR_CODE });
        }
        throw error;
      }
      this.rootCommand().actionExitCode = typeof result === 'number' ? result : ExitCode.Ok;
    });
  }

  private rootCommand(): CliCommand {
    let command: Command = this;
    while (command.parent) command = command.parent;
    return command as CliCommand;
  }
}

export interface ProgramOptions {
  /** The command's name as users type it (`samsa-broker`); it prefixes every error line. */
  name: string;
  /** One or two sentences for the top of the help. */
  description: string;
  /** Adds `-V, --version`. */
  version?: string;
  io: Pick<CliIo, 'stdout' | 'stderr'>;
}

/**
 * A root command with Samsa's conventions: output through `io`; errors as `name: message` followed by the help of
 * the command that failed, and "did you mean" for mistyped flags and commands (commander's); `-h, --help`; no
 * process.exit inside (runProgram turns the outcome into an exit code). Add options and commands, then run it
 * with runProgram. Subcommands inherit all of this.
 */
export function createProgram(options: ProgramOptions): CliCommand {
  const { name, io } = options;
  const program = new CliCommand(name)
    .description(options.description)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`${name}: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError(true)
    .helpOption('-h, --help', 'show this help');
  if (options.version) program.version(options.version, '-V, --version', 'show the version');
  return program;
}
