/**
 * `@Subscribe(..., { groupProtocol: 'consumer' })` and the module-wide default
 * (`subscribeDefaults.groupProtocol`): handlers join KIP-848 consumer groups on the dev broker, a
 * per-handler option overrides the default, and handlers sharing a group must agree.
 */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka, LogLevel } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subscribe } from '../../src/index.js';
import { type SamsaTestKit, startSamsaTestKit } from '../../src/testing/index.js';

let kit: SamsaTestKit;

beforeAll(async () => {
  kit = await startSamsaTestKit({
    partitions: 3,
    registry: false,
    broker: { groupConsumerHeartbeatIntervalMs: 200, groupConsumerSessionTimeoutMs: 6000 },
    consumer: { fetchMaxWaitMs: 50 },
  });
});
afterAll(async () => {
  await kit?.stop();
});

async function boot(clientId: string, providers: unknown[], subscribeDefaults = {}) {
  @Module({
    imports: [kit.module({ clientId, logger: false, ensureTopics: true, subscribeDefaults })],
    providers: providers as never[],
  })
  class AppModule {}
  const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app.useLogger(false);
  await app.init();
  return app;
}

async function groupTypes(groupIds: string[]) {
  const kafka = new Kafka({ clientId: 'describe', brokers: kit.brokers, logLevel: LogLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries(
      (await admin.describeConsumerGroups(groupIds)).groups.map((g) => [g.groupId, `${g.type}/${g.state}`]),
    );
  } finally {
    await admin.disconnect();
  }
}

describe('groupProtocol', () => {
  it("per handler, and as the module's default, with a handler overriding it", async () => {
    const seen = { modern: 0, defaulted: 0, classic: 0 };
    @Injectable()
    class Handlers {
      @Subscribe('gp.orders', { groupId: 'gp-modern', fromBeginning: true, groupProtocol: 'consumer' })
      modern() {
        seen.modern++;
      }
      @Subscribe('gp.orders', { groupId: 'gp-defaulted', fromBeginning: true })
      defaulted() {
        seen.defaulted++;
      }
      @Subscribe('gp.orders', { groupId: 'gp-classic', fromBeginning: true, groupProtocol: 'classic' })
      classic() {
        seen.classic++;
      }
    }
    await kit.createTopics(['gp.orders'], 3);
    await kit.produce(
      'gp.orders',
      Array.from({ length: 30 }, (_, i) => ({ i })),
      { key: (_v, i) => `k${i}` },
    );
    const app = await boot('gp-app', [Handlers], { groupProtocol: 'consumer' });
    try {
      await waitFor('every handler to see all 30', () => Object.values(seen).every((n) => n === 30), {
        timeoutMs: 30_000,
      });
      expect(await groupTypes(['gp-modern', 'gp-defaulted', 'gp-classic'])).toEqual({
        'gp-modern': 'consumer/Stable',
        'gp-defaulted': 'consumer/Stable',
        'gp-classic': 'classic/Stable',
      });
    } finally {
      await app.close();
    }
  });

  it('refuses handlers of one group with different protocols, and unknown protocols, at bootstrap', async () => {
    @Injectable()
    class Mixed {
      @Subscribe('gp.a', { groupId: 'gp-mixed', groupProtocol: 'consumer' })
      a() {}
      @Subscribe('gp.b', { groupId: 'gp-mixed' })
      b() {}
    }
    await expect(boot('gp-mixed', [Mixed])).rejects.toThrow(/different group protocols/);
    @Injectable()
    class Unknown {
      @Subscribe('gp.a', { groupId: 'gp-unknown', groupProtocol: 'next' as never })
      a() {}
    }
    await expect(boot('gp-unknown', [Unknown])).rejects.toThrow(
      /'groupProtocol' must be 'classic' or 'consumer'/,
    );
  });
});
