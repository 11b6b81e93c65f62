import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { CliCommand, createProgram } from '../src/program.js';
import { runProgram } from '../src/run.js';

function captured() {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => (io.out += text),
    stderr: (text: string) => (io.err += text),
  };
  return io;
}

describe('createProgram', () => {
  it('makes subcommands CliCommands with the same output and error conventions', async () => {
    const io = captured();
    const program = createProgram({ name: 'tool', description: 'A tool.', io });
    const sub = program.command('sub').option('--size <n>', 'how big');
    expect(sub).toBeInstanceOf(CliCommand);
    expect(await runProgram(program, ['sub', '--colour', 'red'])).toBe(2);
    expect(io.err).toMatch(/^tool: unknown option '--colour'\n/);
    expect(io.err).toContain('Usage: tool sub [options]');
    expect(io.out).toBe('');
  });

  it('reports a UsageError from an action with the help of the command that threw it', async () => {
    const io = captured();
    const program = createProgram({ name: 'tool', description: 'A tool.', io });
    program
      .command('check')
      .description('Checks things.')
      .argument('<files...>', 'what to check')
      .action(() => {
        throw new UsageError('--level SIDEWAYS is not a level');
      });
    expect(await runProgram(program, ['check', 'a.avsc'])).toBe(2);
    expect(io.err).toMatch(
      /^tool: --level SIDEWAYS is not a level\n\nUsage: tool check \[options\] <files\.\.\.>/,
    );
  });

  it('keeps the exit code of the action that ran, on the root command', async () => {
    const io = captured();
    const program = createProgram({ name: 'tool', description: 'A tool.', io });
    program.command('fail').action(async () => 1);
    program.command('pass').action(() => {});
    expect(await runProgram(program, ['fail'])).toBe(1);
    expect(await runProgram(program, ['pass'])).toBe(0);
  });

  it('adds --version when given one', async () => {
    const io = captured();
    const program = createProgram({ name: 'tool', description: 'A tool.', version: '1.2.3', io });
    program.action(() => 5);
    expect(await runProgram(program, ['--version'])).toBe(0);
    expect(io.out).toBe('1.2.3\n');
  });
});
