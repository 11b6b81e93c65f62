import 'reflect-metadata';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { TransactionalProducers } from '../../../src/consume/transactions/transactional-producers.js';
import {
  defaultTransactionalIdPrefix,
  SamsaConfigurationError,
  SamsaConsumers,
  Subscribe,
} from '../../../src/index.js';
import { bootWithMemoryKafka } from '../../support/boot.js';
import { MemoryKafka } from '../../support/memory-kafka.js';

@Injectable()
class Worker {
  @Subscribe('in', { groupId: 'workers', transactional: true, concurrency: 2 })
  run() {}
}

describe('transactional ids', () => {
  it('are <prefix>:<group>:<handler>:<n>, one per partition handled at once; the prefix defaults to client, host and pid', async () => {
    expect(defaultTransactionalIdPrefix('orders')).toBe(`orders-${hostname()}-${process.pid}`);
    const app = await bootWithMemoryKafka(new MemoryKafka(2), [Worker]);
    const prefix = defaultTransactionalIdPrefix('test');
    expect(app.get(SamsaConsumers).get('Worker.run')!.transactionalIds).toEqual([
      `${prefix}:workers:Worker.run:0`,
      `${prefix}:workers:Worker.run:1`,
    ]);
    await app.close();
  });

  it('are not shared by two running modules of one process: the second is refused, and may start once the first stopped', async () => {
    const kafka = new MemoryKafka(2);
    const first = await bootWithMemoryKafka(kafka, [Worker], { transactionalIdPrefix: 'same' });
    const second = bootWithMemoryKafka(kafka, [Worker], { transactionalIdPrefix: 'same' });
    await expect(second).rejects.toBeInstanceOf(SamsaConfigurationError);
    await expect(second).rejects.toThrow(
      `its transactional id 'same:workers:Worker.run:0' is in use by Worker.run, running in this process`,
    );
    // a producer of the second never started: the first was not fenced
    expect(kafka.epochs.get('same:workers:Worker.run:0')).toBe(1);
    await first.close();
    const third = await bootWithMemoryKafka(kafka, [Worker], { transactionalIdPrefix: 'same' });
    expect(kafka.epochs.get('same:workers:Worker.run:0')).toBe(2);
    await third.close();
  });

  it('name each connected producer with the id it holds, also while a discarded slot waits to reopen', async () => {
    const kafka = new MemoryKafka(2);
    const producers = new TransactionalProducers(kafka, {}, 'Worker.run', ['p:0', 'p:1'], console);
    await producers.start();
    const first = await producers.acquire();
    expect(first.transactionalId).toBe('p:0');
    first.discard();
    first.release();
    const connected = producers.connected();
    expect(connected.map((entry) => entry.transactionalId)).toEqual(['p:1']);
    expect((connected[0]!.producer as unknown as { transactionalId: string }).transactionalId).toBe('p:1');
    await producers.close();
  });
});
