import { type StopReason, waitForStop } from './stop.js';

/**
 * Where a command writes and what it reads from its process. Commands take it as a parameter so that tests run
 * them in-process with captured output; `processIo()` is the real one.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
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
    waitForStop: () => waitForStop({ env: process.env, parentPid }),
  };
}
