import 'reflect-metadata';
import { Module, type Provider, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { SamsaModule, type SamsaModuleOptions } from '../../src/index.js';
import type { MemoryKafka } from './memory-kafka.js';

/** Boots a Nest testing module with SamsaModule on the in-memory client and the given providers. */
export async function bootWithMemoryKafka(
  kafka: MemoryKafka,
  providers: Provider[],
  extra: Partial<SamsaModuleOptions> = {},
  ...imports: Type[]
): Promise<TestingModule> {
  @Module({
    imports: [
      SamsaModule.forRoot({
        brokers: ['127.0.0.1:9092'],
        clientId: 'test',
        client: kafka,
        logger: false,
        ...extra,
      }),
      ...imports,
    ],
    providers,
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}
