import { PARENT_CHECK_MS, startedByNpx, watchParent } from './parent.js';

/** Why a long-running command was asked to stop. */
export interface StopReason {
  /** The signal received; absent when the process that started it (npx) went away. */
  signal?: 'SIGINT' | 'SIGTERM';
  /** For a log line: `SIGTERM received`, `the process that started it (4242) exited`. */
  description: string;
}

export interface WaitForStopOptions {
  /** Decides whether the command runs under npx (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** How often to look for the parent under npx (default 500 ms). */
  parentCheckMs?: number;
  /**
   * The PID of the process that started this one, as seen when the command started (default: the parent now).
   * A command that waits for stop requests only once it serves passes it, so that npx going away during a slow
   * start is noticed too.
   */
  parentPid?: number;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Resolves on the first SIGINT or SIGTERM, or, when started by npx, once npx is gone (see parent.ts). The command
 * then shuts down cleanly (answers in-flight requests, flushes files) and exits 0. A second signal while it does
 * gives up on that: the process ends at once, killed by the signal as if nothing handled it. Call it once per
 * process, when the command starts serving.
 */
export function waitForStop(options: WaitForStopOptions = {}): Promise<StopReason> {
  return new Promise((resolve) => {
    let requested = false;
    let stopWatchingParent = () => {};
    const onSignal = (signal: (typeof STOP_SIGNALS)[number]) => {
      if (!requested) {
        requested = true;
        stopWatchingParent();
        resolve({ signal, description: `${signal} received` });
        return;
      }
      for (const name of STOP_SIGNALS) process.removeListener(name, onSignal);
      process.kill(process.pid, signal);
    };
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
    if (startedByNpx(options.env ?? process.env)) {
      stopWatchingParent = watchParent(
        (parent) => {
          if (requested) return;
          requested = true;
          resolve({ description: `the process that started it (${parent}) exited` });
        },
        options.parentCheckMs ?? PARENT_CHECK_MS,
        options.parentPid ?? process.ppid,
      );
    }
  });
}
