#!/usr/bin/env node
/**
 * samsa-broker: starts the dev broker from the command line. Prints `BROKERS=host:port,...` on
 * stdout once it serves, then logs to stderr. SIGINT/SIGTERM stop it cleanly (in-flight requests
 * answered, files flushed and closed); bad flags print the usage and exit with code 2.
 */
import { crc32cImplementation } from '@samsa/protocol';
import { startBroker } from './broker.js';
import { parseCli, USAGE, UsageError } from './cli-args.js';
import { streamLogger } from './logger.js';

/** How often a broker started by npx looks whether npx is still there. */
const PARENT_CHECK_MS = 500;

async function main(): Promise<void> {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`samsa-broker: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  const logger = streamLogger(cli.logLevel);
  // A running broker checksums every produced batch. Load the native CRC32C now (~45 ms) so the
  // first produce does not wait for it; in-process brokers (a test file each) keep it lazy.
  const crc = crc32cImplementation();
  let broker: Awaited<ReturnType<typeof startBroker>>;
  try {
    broker = await startBroker({ ...cli.options, logger });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    logger.error(
      `cannot start: ${e.code === 'EADDRINUSE' ? `port in use (${e.message}); pick another --port or 0` : (e.stack ?? e.message)}`,
    );
    process.exit(1);
  }
  process.stdout.write(`BROKERS=${broker.bootstrap.join(',')}\n`);
  logger.debug(`CRC32C: ${crc}`);
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${reason}, shutting down`);
    broker.stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error(`shutdown failed: ${err.stack ?? err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT received'));
  process.on('SIGTERM', () => stop('SIGTERM received'));
  if (process.env.npm_command === 'exec') stopWithParent(stop);
}

/**
 * `npx samsa-broker` runs the broker under `sh -c`. A SIGTERM to npx's PID (a script's `kill $!`, a
 * test harness's `child.kill()`) ends npx and the shell but never reaches the broker, which would
 * keep running and keep its port. So under npx the broker stops once the process that started it is
 * gone. Elsewhere (`nohup samsa-broker &`, a script that backgrounds it) outliving the parent is meant.
 */
function stopWithParent(stop: (reason: string) => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop(`the process that started it (${parent}) exited`);
  }, PARENT_CHECK_MS).unref();
}

main().catch((err: Error) => {
  process.stderr.write(`samsa-broker: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
