import 'reflect-metadata';
import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  Ctx,
  Key,
  SamsaConsumers,
  type SamsaContext,
  Subscribe,
  type SubscribeOptions,
} from '../../src/index.js';
import { bootWithMemoryKafka } from '../support/boot.js';
import { MemoryKafka } from '../support/memory-kafka.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stands for a database module: it must close only after the consumers stopped. */
@Injectable()
class Database implements OnModuleDestroy {
  closed = false;
  onModuleDestroy() {
    this.closed = true;
  }
}
@Global()
@Module({ providers: [Database], exports: [Database] })
class DatabaseModule {}

async function shutdownMidLoad(options: SubscribeOptions, total: number, commitDelayMs = 0) {
  const kafka = new MemoryKafka(3);
  kafka.commitDelayMs = commitDelayMs;
  const processed: string[] = [];
  let usedClosedDatabase = false;
  const makeHandler = () => {
    @Injectable()
    class Handler {
      constructor(@Inject(Database) private readonly db: Database) {}
      @Subscribe('load', { fromBeginning: true, ...options })
      async run(_payload: unknown, @Ctx() ctx: SamsaContext) {
        await tick(1);
        if (this.db.closed) usedClosedDatabase = true;
        processed.push(`${ctx.partition}:${ctx.offset}`);
      }
    }
    return Handler;
  };
  const producer = kafka.producer();
  for (let i = 0; i < total; i += 50) {
    await producer.send({
      topic: 'load',
      messages: Array.from({ length: 50 }, (_, j) => ({ key: `k${(i + j) % 17}`, value: String(i + j) })),
    });
  }

  // first instance: shut down cleanly after part of the load
  const first = await bootWithMemoryKafka(kafka, [makeHandler()], {}, DatabaseModule);
  await waitFor('some progress', () => processed.length >= total / 4);
  await first.close();
  const afterFirst = processed.length;
  expect(afterFirst).toBeLessThan(total);
  const committed = new Map(kafka.group('test').committed);
  // what was committed is exactly what was processed: a prefix of every partition
  for (let partition = 0; partition < 3; partition++) {
    const offsets = processed
      .filter((p) => p.startsWith(`${partition}:`))
      .map((p) => Number(p.split(':')[1]));
    const end = Number(committed.get(`load\u0000${partition}`) ?? 0n);
    expect(offsets.sort((a, b) => a - b)).toEqual(Array.from({ length: end }, (_, i) => i));
  }

  // second instance of the same group picks up exactly the rest
  const second = await bootWithMemoryKafka(kafka, [makeHandler()], {}, DatabaseModule);
  await waitFor('all records', () => processed.length >= total);
  await second.close();
  expect(processed).toHaveLength(total);
  expect(new Set(processed).size).toBe(total);
  expect(usedClosedDatabase).toBe(false);
  return afterFirst;
}

describe('graceful shutdown', () => {
  it('mid-load, partition order: no record lost, none processed twice, database closed after', async () => {
    await shutdownMidLoad({ concurrency: 3 }, 600);
  });

  it('mid-load, per-key concurrency: the committed offsets still cover exactly what ran', async () => {
    await shutdownMidLoad({ concurrency: { partitions: 3, keysPerPartition: 8 } }, 900);
  });

  it('mid-load with slow commits (they go out in the background): shutdown waits for them', async () => {
    await shutdownMidLoad({ concurrency: 3 }, 600, 30);
  });

  it('gives up on a handler that outlives shutdownTimeoutMs and leaves its record uncommitted', async () => {
    const kafka = new MemoryKafka(1);
    let started = 0;
    @Injectable()
    class Stuck {
      @Subscribe('stuck', { fromBeginning: true })
      async run(@Key() _key: string) {
        started++;
        await new Promise(() => {});
      }
    }
    await kafka.producer().send({ topic: 'stuck', messages: [{ value: 'a' }, { value: 'b' }] });
    const app = await bootWithMemoryKafka(kafka, [Stuck], { shutdownTimeoutMs: 50 });
    await waitFor('the stuck handler', () => started === 1);
    const container = app.get(SamsaConsumers).all()[0]!;
    await app.close();
    expect(container.state).toBe('stopped');
    expect(kafka.group('test').committed.get('stuck\u00000')).toBeUndefined();
  });

  it('gives partitions up in a rebalance only once their background commits were answered', async () => {
    const kafka = new MemoryKafka(1);
    kafka.commitDelayMs = 300;
    const configs: Record<string, unknown>[] = [];
    const makeConsumer = kafka.consumer.bind(kafka);
    kafka.consumer = (config) => {
      configs.push(config);
      return makeConsumer(config);
    };
    let handled = 0;
    @Injectable()
    class Handler {
      @Subscribe('revoked', { fromBeginning: true, groupId: 'revokes' })
      run() {
        handled++;
      }
    }
    await kafka.producer().send({ topic: 'revoked', messages: [{ value: 'a' }, { value: 'b' }] });
    const app = await bootWithMemoryKafka(kafka, [Handler]);
    await waitFor('both handled', () => handled === 2);
    const committed = () => kafka.group('revokes').committed.get('revoked\u00000');
    expect(committed()).toBeUndefined(); // the commit is still in flight
    const onRevoked = configs[0]!.onPartitionsRevoked as (partitions: unknown) => Promise<void>;
    await onRevoked([{ topic: 'revoked', partitions: [0] }]);
    expect(committed()).toBe(2n);
    await app.close();
  });
});
