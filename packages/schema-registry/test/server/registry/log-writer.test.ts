import { describe, expect, it } from 'vitest';
import { RegistryStoreTimeoutError } from '../../../src/errors.js';
import type { RegistryRecord } from '../../../src/server/records.js';
import { configKey } from '../../../src/server/records.js';
import { RegistryOperationError } from '../../../src/server/registry/errors.js';
import { LogWriter } from '../../../src/server/registry/log-writer.js';
import { MemoryRegistryLog } from '../../../src/server/store.js';

const record: RegistryRecord = { key: configKey(null), value: { compatibilityLevel: 'FULL' } };

describe('LogWriter', () => {
  it('runs writes one at a time, in order, each after catching up with the log', async () => {
    const events: string[] = [];
    class TracingLog extends MemoryRegistryLog {
      override async catchUp(): Promise<void> {
        events.push('catch up');
      }
    }
    const writer = new LogWriter(new TracingLog());
    let release!: () => void;
    const first = writer.write(async () => {
      events.push('first starts');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      events.push('first ends');
      return 1;
    });
    const second = writer.write(async () => {
      events.push('second');
      return 2;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['catch up', 'first starts']);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(events).toEqual(['catch up', 'first starts', 'first ends', 'catch up', 'second']);
  });

  it('keeps going after a failed write', async () => {
    const writer = new LogWriter(new MemoryRegistryLog());
    await expect(writer.write(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await writer.write(async () => 'next')).toBe('next');
  });

  it('reports store failures as the registry errors Confluent answers 50001 and 50002 for', async () => {
    class FailingLog extends MemoryRegistryLog {
      constructor(private readonly failure: Error) {
        super();
      }
      override async append(): Promise<void> {
        throw this.failure;
      }
    }
    const failed = new LogWriter(new FailingLog(new Error('disk on fire'))).append([record]);
    await expect(failed).rejects.toBeInstanceOf(RegistryOperationError);
    await expect(failed).rejects.toMatchObject({
      reason: 'store-failed',
      message: 'Error while writing to the schema log: disk on fire',
    });
    const slow = new LogWriter(
      new FailingLog(new RegistryStoreTimeoutError('not read back in 10000 ms')),
    ).append([record]);
    await expect(slow).rejects.toMatchObject({ reason: 'store-timeout' });
  });
});
