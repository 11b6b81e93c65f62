/** Misuse of transactional subscriptions is refused at boot, with every problem and its fix. */
import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  SamsaConfigurationError,
  type SamsaModuleOptions,
  Subscribe,
  type SubscribeOptions,
  validateSamsaOptions,
} from '../../../src/index.js';
import { bootWithMemoryKafka } from '../../support/boot.js';
import { MemoryKafka } from '../../support/memory-kafka.js';

async function bootError(
  options: SubscribeOptions,
  module: Partial<SamsaModuleOptions> = {},
): Promise<Error> {
  @Injectable()
  class H {
    @Subscribe('in', options)
    run() {}
  }
  try {
    const app = await bootWithMemoryKafka(new MemoryKafka(1), [H], module);
    await app.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the boot succeeded');
}

describe('transactional subscriptions: misuse', () => {
  it('refuses producer settings that cannot be transactional, naming each', async () => {
    const error = await bootError(
      { transactional: true },
      {
        producer: {
          acks: 1,
          transactionalId: 'mine',
          enableIdempotence: false,
          maxInFlightRequests: 10,
          retries: 0,
        },
      },
    );
    expect(error).toBeInstanceOf(SamsaConfigurationError);
    expect(error.message).toContain('@Subscribe on H.run has 5 problems');
    expect(error.message).toContain(
      `SamsaModule's 'producer.transactionalId' is set: transactional subscriptions get producers of their own`,
    );
    expect(error.message).toContain(
      `'producer.enableIdempotence' is false: a transactional producer is idempotent`,
    );
    expect(error.message).toContain(`'producer.acks' is 1: transactions need acks -1 ('all')`);
    expect(error.message).toContain(`'producer.maxInFlightRequests' is 10: transactions allow at most 5`);
    expect(error.message).toContain(`'producer.retries' is 0`);
  });

  it('refuses a read_uncommitted consumer, per-key lanes and a non-boolean', async () => {
    const uncommitted = await bootError(
      { transactional: true },
      { consumer: { isolationLevel: 'read_uncommitted' } },
    );
    expect(uncommitted.message).toContain('a transactional subscription reads its input read_committed');
    const lanes = await bootError({
      transactional: true,
      concurrency: { partitions: 2, keysPerPartition: 4 },
    });
    expect(lanes.message).toContain(`'transactional' and 'concurrency.keysPerPartition' do not combine`);
    const notBoolean = await bootError({ transactional: 'yes' as never });
    expect(notBoolean.message).toContain(`'transactional' must be true or false (got "yes")`);
  });

  it('takes transactional as a module-wide default, which a handler may turn off', async () => {
    const error = await bootError({}, { subscribeDefaults: { transactional: true }, producer: { acks: 0 } });
    expect(error.message).toContain(`'producer.acks' is 0`);
    @Injectable()
    class Plain {
      @Subscribe('in', { transactional: false })
      run() {}
    }
    const app = await bootWithMemoryKafka(new MemoryKafka(1), [Plain], {
      subscribeDefaults: { transactional: true },
      producer: { acks: 0 },
    });
    await app.close();
  });

  it('checks transactionalIdPrefix', () => {
    expect(() =>
      validateSamsaOptions({ brokers: '127.0.0.1:9092', clientId: 'a', transactionalIdPrefix: ' ' }),
    ).toThrow(`'transactionalIdPrefix' must be a non-empty string, stable per running instance (got " ")`);
  });

  it('refuses a client whose producers have no transactions', async () => {
    const kafka = new MemoryKafka(1);
    const client = {
      ...kafka,
      producer: () => kafka.producer(),
      consumer: kafka.consumer.bind(kafka),
      admin: kafka.admin.bind(kafka),
    };
    const error = await bootError({ transactional: true }, { client });
    expect(error).toBeInstanceOf(SamsaConfigurationError);
    expect(error.message).toContain(
      `'transactional: true' needs a client whose producers have transaction()`,
    );
  });
});
