import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import type { KafkaLike } from '../client/kafka-like.js';
import { SamsaConsumers } from '../consume/samsa.consumers.js';
import { SubscriptionContainer } from '../consume/subscription-container.js';
import type { SubscriptionSpec } from '../consume/subscription-spec.js';
import { transportRegistry } from '../consume/transport-registry.js';
import { containerDeps } from '../module/container-deps.js';
import { resolveLogger } from '../module/logger.js';
import type { ResolvedSamsaOptions } from '../module/samsa-module-options.js';
import { SAMSA_CODEC, SAMSA_KAFKA, SAMSA_OPTIONS } from '../module/tokens.js';
import { ensureTopics, topicsToEnsure } from '../module/topics-setup.js';
import { SamsaProducer } from '../produce/samsa.producer.js';
import type { ValueCodec } from '../serde/value-codec.js';
import { SUBSCRIBE_METADATA } from './constants.js';
import { createHandlerInvoker } from './handler-invoker.js';
import { traceHandler } from './handler-tracing.js';
import { resolveSubscription } from './resolve-subscription.js';
import { checkGroupOverlaps, sharedGroups } from './shared-groups.js';
import type { SubscribeMetadata } from './subscribe.decorator.js';

/** A discovered `@Subscribe` method. */
export interface DiscoveredHandler {
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: any provider instance
  instance: any;
  methodName: string;
  metadata: SubscribeMetadata;
}

/**
 * Finds every `@Subscribe` method of every provider and controller at bootstrap, wraps it in Nest's
 * pipeline (guards, interceptors, pipes, filters), starts one consumer per handler, and stops them
 * first thing on shutdown: in `onModuleDestroy` of the module that imported `SamsaModule`, so before
 * the modules it depends on (databases, caches) are torn down.
 */
@Injectable()
export class SamsaExplorer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger;
  private readonly containers: SubscriptionContainer[] = [];
  private started = false;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(ExternalContextCreator) private readonly contextCreator: ExternalContextCreator,
    @Inject(SAMSA_OPTIONS) private readonly options: ResolvedSamsaOptions,
    @Inject(SAMSA_KAFKA) private readonly kafka: KafkaLike,
    @Inject(SAMSA_CODEC) private readonly codec: ValueCodec,
    @Inject(SamsaProducer) private readonly producer: SamsaProducer,
    @Inject(SamsaConsumers) private readonly consumers: SamsaConsumers,
  ) {
    this.logger = resolveLogger(options.logger, 'Samsa');
  }

  /** Every `@Subscribe` method on a static provider or controller. */
  discover(): DiscoveredHandler[] {
    const found: DiscoveredHandler[] = [];
    const seen = new Set<unknown>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      const prototype = Object.getPrototypeOf(instance);
      if (!prototype) continue;
      const methods = this.scanner.getAllMethodNames(prototype);
      for (const methodName of methods) {
        const list: SubscribeMetadata[] | undefined = Reflect.getMetadata(
          SUBSCRIBE_METADATA,
          prototype[methodName],
        );
        if (!list?.length) continue;
        const className = instance.constructor?.name ?? 'Anonymous';
        if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
          this.logger.warn?.(
            `${className}.${methodName} has @Subscribe but ${className} is request-scoped or transient; ` +
              'handlers must live on singleton providers, so it is ignored',
          );
          continue;
        }
        seen.add(instance);
        list.forEach((metadata, index) => {
          const id = `${className}.${methodName}${list.length > 1 ? `#${index + 1}` : ''}`;
          found.push({ id, instance, methodName, metadata });
        });
      }
    }
    return found;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const handlers = this.discover();
    const specs: SubscriptionSpec[] = handlers.map((handler) => {
      const spec = resolveSubscription(
        handler.id,
        handler.metadata,
        this.options,
        createHandlerInvoker(this.contextCreator, handler.instance, handler.methodName),
      );
      // Every invocation on samsa:nest:handle, for tracers (handler-tracing.ts).
      return { ...spec, invoke: traceHandler(spec) };
    });
    checkGroupOverlaps(specs);
    if (this.options.client) {
      for (const [group, ids] of sharedGroups(specs)) {
        this.logger.warn?.(
          `${ids.join(', ')} share group '${group}' with different topics: this needs an assignor that honours ` +
            `each member's subscription (Samsa's do; KafkaJS's do not, so with KafkaJS give each its own groupId)`,
        );
      }
    }

    // Schemas of the topics this app publishes are registered; a @Subscribe's schema is only its reader schema.
    const published = this.options.topics ?? [];
    if (this.options.ensureTopics) {
      const wanted = topicsToEnsure(
        specs,
        published.map((definition) => definition.topic),
      );
      await ensureTopics(this.kafka, wanted, this.options.ensureTopics, this.logger);
    }
    if (this.codec.registry) {
      for (const definition of published) {
        if (definition.schema === undefined) continue;
        const id = await this.codec.register(definition);
        this.logger.log?.(`registered the schema of ${definition.topic} (id ${id})`);
      }
    }
    await this.producer.connected();
    if (!this.options.startConsumers) return;

    for (const spec of specs) {
      const container = new SubscriptionContainer(
        spec,
        containerDeps(this.options, this.kafka, this.codec, this.producer, this.logger),
      );
      this.containers.push(container);
      this.consumers.add(container);
    }
    const started = await Promise.allSettled(this.containers.map((container) => container.start()));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      // Leave nothing half-running behind a failed boot.
      await this.onModuleDestroy();
      throw failed.reason;
    }
    for (const container of this.containers) {
      const { spec } = container;
      this.logger.log?.(
        `${spec.id} consuming ${spec.topics.map(String).join(', ')} in group ${spec.groupId}` +
          (spec.partitionsConcurrently > 1 || spec.keysPerPartition > 1
            ? ` (partitions x${spec.partitionsConcurrently}, keys x${spec.keysPerPartition})`
            : '') +
          (spec.transactional
            ? `, exactly-once (transactional ids ${container.transactionalIds.join(', ')})`
            : ''),
      );
    }
  }

  /** Graceful shutdown of every consumer: stop fetching, drain, commit, leave the group. */
  async onModuleDestroy(): Promise<void> {
    // Transport servers of a hybrid app would otherwise be closed only after every module is destroyed.
    await transportRegistry.drainAll();
    const running = this.containers.splice(0);
    if (running.length === 0) return;
    await Promise.all(
      running.map(async (container) => {
        try {
          await container.stop(this.options.shutdownTimeoutMs);
        } catch (error) {
          this.logger.error?.(`${container.spec.id}: stopping failed: ${(error as Error).message}`);
        }
      }),
    );
    this.logger.log?.(`stopped ${running.length} consumer(s)`);
  }
}
