import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import {
  SAMSA_OPTIONS,
  SamsaConfigurationError,
  SamsaModule,
  SamsaProducer,
  validateSamsaOptions,
} from '../../src/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

describe('SamsaModule options', () => {
  it('accepts the minimum and fills in defaults', () => {
    const resolved = validateSamsaOptions({ brokers: '127.0.0.1:9092, 127.0.0.1:9093', clientId: 'orders' });
    expect(resolved).toMatchObject({
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      clientId: 'orders',
      groupId: 'orders',
      shutdownTimeoutMs: 30_000,
      startConsumers: true,
    });
  });

  it('lists every problem with a hint of what to write instead', () => {
    let error: unknown;
    try {
      SamsaModule.forRoot({
        brokers: ['localhost', '127.0.0.1:99999'],
        clientId: 'has space',
        shutdownTimeoutMs: -1,
        schemaRegistry: { url: 'ftp://x' },
        ensureTopics: { numPartitions: 0 },
        brokerz: 1,
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SamsaConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('SamsaModule options has 7 problems');
    expect(message).toContain(`unknown option 'brokerz' (did you mean 'brokers'?)`);
    expect(message).toContain(`broker 'localhost' is not host:port`);
    expect(message).toContain(`broker '127.0.0.1:99999' is not host:port with a port from 1 to 65535`);
    expect(message).toContain(`'clientId' may use only letters, digits`);
    expect(message).toContain(`'shutdownTimeoutMs' must be a positive integer`);
    expect(message).toContain(`'schemaRegistry.url' must be an http(s) URL`);
    expect(message).toContain(`'ensureTopics.numPartitions' must be a positive integer`);
    expect((error as SamsaConfigurationError).code).toBe('NEST_INVALID_OPTIONS');
  });

  it('explains a missing object or missing required fields', () => {
    expect(() => validateSamsaOptions(undefined)).toThrow(/expected an object like \{ brokers:/);
    expect(() => validateSamsaOptions({})).toThrow(/'brokers' is required[\s\S]*'clientId' is required/);
    expect(() => validateSamsaOptions({ brokers: [], clientId: 'x' })).toThrow(/'brokers' is empty/);
  });

  it("words unknown options and bad values as @samsa/core-client's options do", () => {
    let error: unknown;
    try {
      validateSamsaOptions({
        brokers: 'h:1',
        clientId: 'x',
        startConsumers: 'yes',
        groupId: 5,
        shutdown: 1,
        healthMetrics: 1,
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as SamsaConfigurationError).problems).toEqual([
      `unknown option 'shutdown'`,
      `'groupId' must be a non-empty string when set (got 5)`,
      `'startConsumers' must be true or false (got "yes")`,
      `'healthMetrics' must be true or false (got 1)`,
    ]);
    expect(() => validateSamsaOptions({ brokers: 'h:1', clientId: 'x', shutdown_timeout: 1 })).toThrow(
      `unknown option 'shutdown_timeout' (did you mean 'shutdownTimeoutMs'?)`,
    );
  });

  it('refuses subscribeDefaults it would ignore, and says how retries are set', () => {
    let error: unknown;
    try {
      validateSamsaOptions({
        brokers: 'h:1',
        clientId: 'x',
        subscribeDefaults: { retries: 3, fromBegining: true, concurrency: 2 },
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as SamsaConfigurationError).problems).toEqual([
      `unknown option 'subscribeDefaults.retries': retries are set with retry: { attempts: 4 } (attempts count ` +
        'deliveries, the first one included)',
      `'subscribeDefaults': unknown option 'fromBegining' (did you mean 'fromBeginning'?)`,
    ]);
    // As a new user meets it: at SamsaModule.forRoot, before anything connects.
    expect(() =>
      SamsaModule.forRoot({ brokers: 'h:1', clientId: 'x', subscribeDefaults: { retries: 3 } } as never),
    ).toThrow(
      "SamsaModule options has a problem:\n  - unknown option 'subscribeDefaults.retries': retries are set with " +
        'retry: { attempts: 4 } (attempts count deliveries, the first one included)',
    );
    expect(() => validateSamsaOptions({ brokers: 'h:1', clientId: 'x', subscribeDefaults: 3 })).toThrow(
      `'subscribeDefaults' must be an object of @Subscribe options (got 3)`,
    );
    expect(
      validateSamsaOptions({ brokers: 'h:1', clientId: 'x', subscribeDefaults: { retry: { attempts: 4 } } })
        .subscribeDefaults,
    ).toEqual({ retry: { attempts: 4 } });
  });

  it('forRootAsync takes options from a factory with injected config, and validates them at boot', async () => {
    const kafka = new MemoryKafka();
    @Injectable()
    class Config {
      get(key: string) {
        return { KAFKA_BROKERS: '127.0.0.1:9092', CLIENT_ID: 'from-config' }[key];
      }
    }
    @Module({ providers: [Config], exports: [Config] })
    class ConfigModule {}
    @Injectable()
    class Reader {
      constructor(@Inject(SAMSA_OPTIONS) readonly options: { clientId: string; brokers: string[] }) {}
    }
    @Module({
      imports: [
        SamsaModule.forRootAsync({
          imports: [ConfigModule],
          inject: [Config],
          useFactory: (config: Config) => ({
            brokers: config.get('KAFKA_BROKERS')!,
            clientId: config.get('CLIENT_ID')!,
            client: kafka,
            logger: false,
          }),
        }),
      ],
      providers: [Reader],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await app.init();
    expect(app.get(Reader).options).toMatchObject({ clientId: 'from-config', brokers: ['127.0.0.1:9092'] });
    expect(app.get(SamsaProducer)).toBeInstanceOf(SamsaProducer);
    await app.close();

    @Module({
      imports: [SamsaModule.forRootAsync({ useFactory: async () => ({ brokers: 'nope', clientId: 'x' }) })],
    })
    class BadModule {}
    await expect(Test.createTestingModule({ imports: [BadModule] }).compile()).rejects.toThrow(
      /broker 'nope' is not host:port/,
    );
  });
});
