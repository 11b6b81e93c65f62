import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { integer } from '../src/parsers.js';
import { createProgram } from '../src/program.js';
import { runProgram } from '../src/run.js';

function program(action: (flags: { port: number }) => unknown) {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => (io.out += text),
    stderr: (text: string) => (io.err += text),
  };
  const command = createProgram({ name: 'serve-it', description: 'Serves it.', io })
    .option('--port <n>', 'where to listen', integer({ min: 0, max: 65535 }), 8080)
    .action(action);
  return { command, io };
}

describe('runProgram', () => {
  it('resolves with what the action resolved with, 0 for nothing', async () => {
    const { command } = program(async () => 3);
    expect(await runProgram(command, [])).toBe(3);
    expect(await runProgram(program(() => undefined).command, ['--port', '1'])).toBe(0);
  });

  it('passes parsed flags with their defaults', async () => {
    let seen: unknown;
    const { command } = program((flags) => {
      seen = flags;
    });
    await runProgram(command, []);
    expect(seen).toEqual({ port: 8080 });
    await runProgram(command, ['--port', '0']);
    expect(seen).toEqual({ port: 0 });
  });

  it('prints the help on stdout and exits 0 for --help, without running the action', async () => {
    let ran = false;
    const { command, io } = program(() => {
      ran = true;
    });
    expect(await runProgram(command, ['-h'])).toBe(0);
    expect(ran).toBe(false);
    expect(io.out).toContain('Usage: serve-it [options]');
    expect(io.out).toContain('--port <n>');
    expect(io.out).toContain('(default: 8080)');
    expect(io.err).toBe('');
  });

  it.each([
    [
      ['--port', 'abc'],
      "serve-it: option '--port <n>' argument 'abc' is invalid. Expected an integer from 0 to 65535.",
    ],
    [['--prot', '1'], "serve-it: unknown option '--prot'\n(Did you mean --port?)"],
    [['--port'], "serve-it: option '--port <n>' argument missing"],
    [['stray'], 'serve-it: too many arguments. Expected 0 arguments but got 1.'],
  ])('exits 2 for %j, with the problem and the help on stderr', async (argv, message) => {
    let ran = false;
    const { command, io } = program(() => {
      ran = true;
    });
    expect(await runProgram(command, argv)).toBe(2);
    expect(ran).toBe(false);
    expect(io.err.startsWith(`${message}\n\nUsage: serve-it [options]`)).toBe(true);
    expect(io.out).toBe('');
  });

  it('prints a CliError as one line and exits with its code', async () => {
    const refused = program(() => {
      throw new CliError('port 8080 is in use; pick another --port');
    });
    expect(await runProgram(refused.command, [])).toBe(1);
    expect(refused.io.err).toBe('serve-it: port 8080 is in use; pick another --port\n');
    const input = program(() => {
      throw new CliError('schemas/a.avsc is not valid Avro', { exitCode: 2 });
    });
    expect(await runProgram(input.command, [])).toBe(2);
  });

  it('prints any other error with its stack and exits 1', async () => {
    const { command, io } = program(() => {
      throw new TypeError('undefined is not a function');
    });
    expect(await runProgram(command, [])).toBe(1);
    expect(io.err).toMatch(/^serve-it: unexpected error: TypeError: undefined is not a function\n\s+at /);
  });

  it('leaves the argument array alone', async () => {
    const argv = ['--port', '1'];
    await runProgram(program(() => {}).command, argv);
    expect(argv).toEqual(['--port', '1']);
  });
});
