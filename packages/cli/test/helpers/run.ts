/** Runs samsa in-process with captured output, stdin from a string, and the environment given. */
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  terminal?: { stdout: boolean; stderr: boolean; columns?: number };
}

export async function samsa(argv: string[], options: RunOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: options.env ?? {},
    stdin: options.stdin === undefined ? undefined : Readable.from([options.stdin]),
    terminal: options.terminal,
  });
  return { code, stdout, stderr };
}

/** A runner bound to a cluster (and a registry): `-b` and `--registry` are added to every call. */
export function samsaOn(brokers: string[], registry?: string) {
  const connection = ['-b', brokers.join(','), ...(registry ? ['--registry', registry] : [])];
  return (argv: string[], options: RunOptions = {}) => {
    // Connection options belong to the leaf command, after its arguments.
    return samsa([...argv, ...connection], options);
  };
}
