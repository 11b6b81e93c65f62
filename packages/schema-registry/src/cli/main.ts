#!/usr/bin/env node
import { runCli } from './run.js';

/** How often `serve` started by npx looks whether npx is still there. */
const PARENT_CHECK_MS = 500;

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
  // `npx samsa-registry serve` runs under `sh -c`: a SIGTERM to npx's PID ends npx and the shell but
  // never reaches this process, which would keep serving (and keep its port). Under npx, stop once the
  // process that started it is gone; elsewhere (nohup, backgrounded by a script) outliving it is meant.
  if (process.env.npm_command === 'exec') {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && resolve(), PARENT_CHECK_MS).unref();
  }
});

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stopSignal,
}).then(
  (code) => {
    // Exit once stdout is flushed, without waiting for idle keep-alive sockets or the signal listeners above.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`samsa-registry: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
