import { type StopReason, waitForStop } from './stop.js';

/**
 * Where a command writes and what it reads from its process. Commands take it as a parameter so that tests run
 * them in-process with captured output; `processIo()` is the real one.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Input for commands that read it (`-` or no file); default: none. */
  stdin?: NodeJS.ReadableStream;
  /**
   * Which streams are terminals, and how wide stdout is: colours, tables fitted to the width and progress bars are
   * for terminals only. Absent means neither is (tests, pipes).
   */
  terminal?: { stdout: boolean; stderr: boolean; columns?: number };
  /**
   * Resolves when the process is asked to stop (SIGINT, SIGTERM, or under npx its parent gone). Long-running
   * commands (servers) await it and then shut down cleanly; without it they run until killed.
   */
  waitForStop?: () => Promise<StopReason>;
}

/** The running process's streams, environment and stop requests. Call it when the process starts. */
export function processIo(): CliIo {
  const parentPid = process.ppid;
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdin: process.stdin,
    terminal: {
      stdout: process.stdout.isTTY === true,
      stderr: process.stderr.isTTY === true,
      columns: process.stdout.columns,
    },
    waitForStop: () => waitForStop({ env: process.env, parentPid }),
  };
}
