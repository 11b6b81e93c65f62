/**
 * `npx some-command` (npm exec) runs the command under `sh -c`. A SIGTERM to npx's PID (a script's `kill $!`, a
 * test harness's `child.kill()`) ends npx and the shell but never reaches the command, which would keep running
 * and keep its port. So a long-running command started by npx stops once the process that started it is gone.
 * Elsewhere (`nohup cmd &`, a script that backgrounds it) outliving the parent is meant, and nothing watches.
 */

/** How often a command started by npx looks whether npx is still there. */
export const PARENT_CHECK_MS = 500;

/** Whether npm runs this process for `npx` / `npm exec`. */
export function startedByNpx(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command === 'exec';
}

/**
 * Calls `onGone` once, when the process that started this one has exited (this process is then re-parented, so
 * `process.ppid` changes). `parent` is that process's PID as seen at startup (default: the parent now). The check
 * never keeps the process alive. Returns a function that stops watching.
 */
export function watchParent(
  onGone: (parentPid: number) => void,
  intervalMs = PARENT_CHECK_MS,
  parent = process.ppid,
): () => void {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone(parent);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
