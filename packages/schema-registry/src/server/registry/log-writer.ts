import { RegistryStoreTimeoutError } from '../../errors.js';
import type { RegistryRecord } from '../records.js';
import type { RegistryLog } from '../store.js';
import { RegistryOperationError } from './errors.js';

/** A storage failure as Confluent reports it: a timeout, or any other store error. */
function storeFailure(what: string, error: unknown): RegistryOperationError {
  const message = `${what}: ${(error as Error)?.message ?? String(error)}`;
  return new RegistryOperationError(
    error instanceof RegistryStoreTimeoutError ? 'store-timeout' : 'store-failed',
    message,
    { cause: error },
  );
}

/**
 * The registry's writes, one at a time: each claims the log's writer role (fencing a previous leader), catches up
 * with the log's end, decides against that state, and appends its records before the next one starts, so two
 * writes never decide on the same state.
 */
export class LogWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: RegistryLog) {}

  write<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      try {
        await this.log.claimWriter?.();
      } catch (error) {
        throw storeFailure('Error while taking over the schema log as its writer', error);
      }
      try {
        await this.log.catchUp();
      } catch (error) {
        throw storeFailure('Error while reading the schema log up to its end before a write', error);
      }
      return operation();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  async append(records: RegistryRecord[]): Promise<void> {
    try {
      await this.log.append(records);
    } catch (error) {
      throw storeFailure('Error while writing to the schema log', error);
    }
  }

  /** Resolves once the writes already queued have finished. */
  async drain(): Promise<void> {
    await this.queue.catch(() => {});
  }
}
