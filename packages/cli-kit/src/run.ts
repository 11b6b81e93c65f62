import { CommanderError } from 'commander';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { type CliIo, processIo } from './io.js';
import type { CliCommand } from './program.js';

/**
 * Parses `argv` (the arguments after the command's name), runs the chosen action and resolves with the exit code:
 * what the action resolved with; 0 after --help or --version; 2 for anything wrong on the command line (commander
 * has printed it with the help); a CliError's code, after printing its message; 1 for any other error, printed
 * with its stack (a bug: the message could not say what to do). Never throws, never exits the process.
 */
export async function runProgram(program: CliCommand, argv: readonly string[]): Promise<number> {
  program.actionExitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return program.actionExitCode ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    const writeErr = program.configureOutput().writeErr ?? ((text: string) => process.stderr.write(text));
    if (error instanceof CliError) {
      writeErr(`${program.name()}: ${error.message}\n`);
      return error.exitCode;
    }
    writeErr(`${program.name()}: unexpected error: ${describe(error)}\n`);
    return ExitCode.Failure;
  }
}

/**
 * The process entry of a Samsa command (its bin script imports the file that calls this): runs `run` with the
 * process's arguments and io, then exits with the code it resolved to once stdout is flushed, without waiting for
 * idle sockets, timers or signal listeners.
 */
export function runMain(name: string, run: (argv: string[], io: CliIo) => Promise<number>): void {
  const exit = (code: number) => process.stdout.write('', () => process.exit(code));
  run(process.argv.slice(2), processIo()).then(exit, (error: unknown) => {
    process.stderr.write(`${name}: unexpected error: ${describe(error)}\n`);
    exit(ExitCode.Failure);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
