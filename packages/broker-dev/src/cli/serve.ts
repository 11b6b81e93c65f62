/**
 * Runs the dev broker until asked to stop: BROKERS= (the first listener) on stdout once it serves, then
 * LISTENERS= with every listener and TLS_CA= with the CA file `--tls auto` wrote; logs on stderr.
 */
import { type CliIo, ExitCode } from '@samsa/cli-kit';
import { crc32cImplementation } from '@samsa/protocol';
import { type RunningBroker, startBroker } from '../broker.js';
import { streamLogger } from '../logger.js';
import type { BrokerCommandLine } from './flags.js';

/**
 * Starts the broker, prints `BROKERS=host:port,...`, and on SIGINT/SIGTERM (or npx gone) stops it cleanly:
 * in-flight requests answered, files flushed and closed. Resolves with the exit code.
 */
export async function serve({ options, logLevel }: BrokerCommandLine, io: CliIo): Promise<number> {
  const logger = streamLogger(logLevel, { write: io.stderr });
  // A running broker checksums every produced batch. Load the native CRC32C now (~45 ms) so the
  // first produce does not wait for it; in-process brokers (a test file each) keep it lazy.
  const crc = crc32cImplementation();
  let broker: RunningBroker;
  try {
    broker = await startBroker({ ...options, logger });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    logger.error(
      `cannot start: ${
        e.code === 'EADDRINUSE'
          ? `port in use (${e.message}); pick another --port or 0`
          : e instanceof TypeError || e instanceof RangeError || e.name === 'ListenerConfigError'
            ? e.message
            : (e.stack ?? e.message)
      }`,
    );
    return ExitCode.Failure;
  }
  io.stdout(`BROKERS=${broker.bootstrap.join(',')}\n`);
  // Every listener, and the CA to trust when the broker made its certificate, for clients and scripts.
  if (broker.listeners.length > 1 || broker.listeners[0].securityProtocol !== 'PLAINTEXT') {
    io.stdout(`LISTENERS=${broker.listeners.map((l) => `${l.name}://${l.bootstrap.join(',')}`).join(' ')}\n`);
  }
  if (broker.tls?.caCertFile) io.stdout(`TLS_CA=${broker.tls.caCertFile}\n`);
  logger.debug(`CRC32C: ${crc}`);
  const stop = await (io.waitForStop?.() ?? new Promise<never>(() => {}));
  logger.info(`${stop.description}, shutting down`);
  try {
    await broker.stop();
  } catch (err) {
    logger.error(`shutdown failed: ${(err as Error).stack ?? (err as Error).message}`);
    return ExitCode.Failure;
  }
  return ExitCode.Ok;
}
