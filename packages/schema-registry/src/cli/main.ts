#!/usr/bin/env node
import { runCli } from './run.js';

const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
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
