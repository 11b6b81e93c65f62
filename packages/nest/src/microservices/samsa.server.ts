import { Logger, type LoggerService } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { KafkaLike } from '../client/kafka-like.js';
import { SubscriptionContainer } from '../consume/subscription-container.js';
import type { HandlerInvoker, SubscriptionSpec } from '../consume/subscription-spec.js';
import { transportRegistry } from '../consume/transport-registry.js';
import { containerDeps } from '../module/container-deps.js';
import { createKafkaClient } from '../module/kafka-client.js';
import { resolveLogger } from '../module/logger.js';
import type { ResolvedSamsaOptions, SamsaModuleOptions } from '../module/samsa-module-options.js';
import { ensureTopics, topicsToEnsure } from '../module/topics-setup.js';
import { validateSamsaOptions } from '../module/validate-samsa-options.js';
import { SamsaProducer } from '../produce/samsa.producer.js';
import { createValueCodec } from '../serde/value-codec.js';
import { resolveSubscription, SUBSCRIBE_OPTION_KEYS } from '../subscribe/resolve-subscription.js';
import type { SamsaContext } from '../subscribe/samsa.context.js';
import { checkGroupOverlaps } from '../subscribe/shared-groups.js';
import type { SubscribeOptions } from '../subscribe/subscribe-options.js';
import { ReplyHeaders } from './reply-headers.js';

/**
 * Transport id of `SamsaServer`. `@EventPattern('topic')` handlers bind to it as they are; tag them
 * `@EventPattern('topic', SAMSA_TRANSPORT)` to keep them off other servers of a hybrid app.
 */
export const SAMSA_TRANSPORT: unique symbol = Symbol.for('samsa:transport') as never;

export type SamsaTransportStatus = 'connected' | 'disconnected' | 'stopping' | 'crashed';

/**
 * A `@nestjs/microservices` transport on Samsa: `@EventPattern`/`@MessagePattern` handlers keep their
 * code, and get one consumer each, groups, retries, dead letters and graceful shutdown. Per-handler
 * options go in the pattern's extras: `@EventPattern('orders', { groupId: 'billing', retry: { attempts: 5 } })`.
 *
 * ```ts
 * app.connectMicroservice({ strategy: new SamsaServer({ brokers: ['127.0.0.1:9092'], clientId: 'orders' }) });
 * ```
 */
export class SamsaServer
  extends Server<Record<string, never>, SamsaTransportStatus>
  implements CustomTransportStrategy
{
  override transportId = SAMSA_TRANSPORT;
  // Handler failures drive retries and dead letters here; Nest need not log them again.
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger: LoggerService;

  readonly options: ResolvedSamsaOptions;
  private kafka: KafkaLike | undefined;
  private producer: SamsaProducer | undefined;
  private readonly containers: SubscriptionContainer[] = [];

  constructor(options: SamsaModuleOptions) {
    super();
    this.options = validateSamsaOptions(options);
    this.logger =
      this.options.logger === false
        ? resolveLogger(false, '')
        : (this.options.logger ?? new Logger('SamsaServer'));
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** The running consumers, one per pattern. */
  get consumers(): readonly SubscriptionContainer[] {
    return this.containers;
  }

  private async start(): Promise<void> {
    const options = this.options;
    const kafka = options.client ?? (await createKafkaClient(options));
    this.kafka = kafka;
    const codec = createValueCodec(options.schemaRegistry);
    const producer = new SamsaProducer(kafka, options, codec);
    this.producer = producer;
    await producer.connected();

    const specs: SubscriptionSpec[] = [];
    for (const [pattern, handler] of this.messageHandlers) {
      const extras = (handler.extras ?? {}) as Record<string, unknown>;
      const subscribeOptions = Object.fromEntries(
        Object.entries(extras).filter(([key]) => (SUBSCRIBE_OPTION_KEYS as readonly string[]).includes(key)),
      ) as SubscribeOptions;
      const topic = typeof pattern === 'string' ? pattern : (pattern as unknown as RegExp);
      specs.push(
        resolveSubscription(
          `pattern ${String(pattern)}`,
          { topics: [topic], definitions: [], options: subscribeOptions },
          options,
          this.invoker(pattern, handler),
        ),
      );
    }
    checkGroupOverlaps(specs);
    if (options.ensureTopics) {
      await ensureTopics(kafka, topicsToEnsure(specs), options.ensureTopics, this.logger);
    }
    if (!options.startConsumers) {
      this._status$.next('connected');
      return;
    }
    for (const spec of specs) {
      this.containers.push(
        new SubscriptionContainer(spec, containerDeps(options, kafka, codec, producer, this.logger)),
      );
    }
    const started = await Promise.allSettled(this.containers.map((container) => container.start()));
    transportRegistry.add(this);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await this.close();
      throw failed.reason;
    }
    this._status$.next('connected');
  }

  private invoker(pattern: string, head: MessageHandler): HandlerInvoker {
    return async (payload, context) => {
      const ctx = context as SamsaContext;
      const replyTopic = ctx.header?.(ReplyHeaders.REPLY_TOPIC);
      const correlationId = ctx.header?.(ReplyHeaders.CORRELATION_ID);
      if (!head.isEventHandler && replyTopic && correlationId) {
        return this.reply(pattern, head, payload, ctx, replyTopic, correlationId);
      }
      await this.runWithProcessingHooks(context as never, async (runEndHook) => {
        // Nest joins chained @EventPattern handlers of one pattern into the head's result; await all of it.
        const result = await head(payload, context);
        if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        runEndHook();
      });
    };
  }

  /** Request/response: the answer goes to the caller's reply topic with its correlation id. */
  private async reply(
    _pattern: string,
    handler: MessageHandler,
    payload: unknown,
    ctx: SamsaContext,
    replyTopic: string,
    correlationId: string,
  ): Promise<void> {
    const headers: Record<string, string> = {
      [ReplyHeaders.CORRELATION_ID]: correlationId,
      [ReplyHeaders.IS_DISPOSED]: '1',
    };
    let value: unknown = null;
    try {
      const result = await handler(payload, ctx);
      value = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
    } catch (error) {
      headers[ReplyHeaders.ERROR] =
        error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
    }
    const partition = Number(ctx.header(ReplyHeaders.REPLY_PARTITION));
    await this.producer!.send({
      topic: replyTopic,
      messages: [
        {
          value: value === undefined ? null : JSON.stringify(value),
          headers,
          ...(Number.isInteger(partition) && partition >= 0 ? { partition } : {}),
        },
      ],
    });
  }

  /**
   * Stops consuming gracefully: no new fetches, in-flight handlers finish (up to `shutdownTimeoutMs`),
   * offsets are committed, the groups are left. The producer stays open (handlers may still publish).
   * Runs from `SamsaModule`'s `onModuleDestroy` in hybrid apps, before other modules close.
   */
  async drain(): Promise<void> {
    transportRegistry.remove(this);
    const running = this.containers.splice(0);
    if (running.length === 0) return;
    this._status$.next('stopping');
    await Promise.all(running.map((container) => container.stop(this.options.shutdownTimeoutMs)));
  }

  /** Graceful: every consumer drains and commits, then the producer closes. */
  async close(): Promise<void> {
    await this.drain();
    await this.producer?.onApplicationShutdown();
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('SamsaServer has no events to listen to; read `status` or the consumers instead');
  }

  /** `[kafkaClient, producer]` */
  unwrap<T>(): T {
    if (!this.kafka) throw new Error('SamsaServer is not listening yet; call unwrap() after listen()');
    return [this.kafka, this.producer] as T;
  }
}
