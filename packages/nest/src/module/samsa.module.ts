import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { KafkaLike } from '../client/kafka-like.js';
import { SamsaConsumers } from '../consume/samsa.consumers.js';
import { SamsaProducer } from '../produce/samsa.producer.js';
import { createValueCodec } from '../serde/value-codec.js';
import { SamsaExplorer } from '../subscribe/samsa.explorer.js';
import { createKafkaClient } from './kafka-client.js';
import type {
  ResolvedSamsaOptions,
  SamsaModuleAsyncOptions,
  SamsaModuleOptions,
} from './samsa-module-options.js';
import { SAMSA_CODEC, SAMSA_KAFKA, SAMSA_OPTIONS } from './tokens.js';
import { validateSamsaOptions } from './validate-samsa-options.js';

const sharedProviders: Provider[] = [
  {
    provide: SAMSA_KAFKA,
    useFactory: async (options: ResolvedSamsaOptions): Promise<KafkaLike> =>
      options.client ?? createKafkaClient(options),
    inject: [SAMSA_OPTIONS],
  },
  {
    provide: SAMSA_CODEC,
    useFactory: (options: ResolvedSamsaOptions) => createValueCodec(options.schemaRegistry),
    inject: [SAMSA_OPTIONS],
  },
  SamsaProducer,
  SamsaConsumers,
];
const sharedExports = [SAMSA_OPTIONS, SAMSA_KAFKA, SAMSA_CODEC, SamsaProducer, SamsaConsumers];

/** The global half: options, client, codec and producer, injectable anywhere. */
@Global()
@Module({})
class SamsaCoreModule {
  static create(optionsProvider: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: SamsaCoreModule,
      imports,
      providers: [optionsProvider, ...sharedProviders],
      exports: sharedExports,
    };
  }
}

/**
 * Kafka for Nest: `@Subscribe` handlers found by discovery, an injectable `SamsaProducer`, Avro through
 * a schema registry, graceful shutdown. Import it once, in the root module:
 *
 * ```ts
 * @Module({ imports: [SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], clientId: 'orders' })] })
 * ```
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class SamsaModule {
  static forRoot(options: SamsaModuleOptions): DynamicModule {
    const resolved = validateSamsaOptions(options);
    return SamsaModule.assemble(SamsaCoreModule.create({ provide: SAMSA_OPTIONS, useValue: resolved }));
  }

  /** Options from a factory, e.g. `useFactory: (config: ConfigService) => ({...}), inject: [ConfigService]`. */
  static forRootAsync(options: SamsaModuleAsyncOptions): DynamicModule {
    const provider: Provider = {
      provide: SAMSA_OPTIONS,
      useFactory: async (...args: unknown[]) => validateSamsaOptions(await options.useFactory(...args)),
      inject: options.inject ?? [],
    };
    return SamsaModule.assemble(SamsaCoreModule.create(provider, options.imports));
  }

  private static assemble(core: DynamicModule): DynamicModule {
    return {
      module: SamsaModule,
      imports: [DiscoveryModule, core],
      providers: [SamsaExplorer],
      exports: [core],
    };
  }
}
