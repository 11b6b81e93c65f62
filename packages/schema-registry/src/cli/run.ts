/** The samsa-registry command line: `serve`, `check`, `codegen` and `hash-password`. */
import { type CliIo, createProgram, runProgram } from '@samsa/cli-kit';
import { addCheckCommand } from './commands/check.js';
import { addCodegenCommand } from './commands/codegen.js';
import { addHashPasswordCommand } from './commands/hash-password.js';
import { addServeCommand } from './commands/serve.js';

/** Runs samsa-registry with `argv` (the arguments after its name); resolves with the exit code. */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram({
    name: 'samsa-registry',
    description: 'An Avro schema registry (Confluent-compatible), its CI check and TypeScript codegen.',
    io,
  }).helpCommand('help [command]', 'show the help of a command');
  addServeCommand(program, io);
  addCheckCommand(program, io);
  addCodegenCommand(program, io);
  addHashPasswordCommand(program, io);
  return runProgram(program, argv);
}
