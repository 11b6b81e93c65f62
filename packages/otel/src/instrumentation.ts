/**
 * SamsaInstrumentation: OpenTelemetry traces and metrics for Samsa's clients, registered like every
 * Node instrumentation (`registerInstrumentations({ instrumentations: [new SamsaInstrumentation()] })`
 * or NodeSDK's list). It patches nothing: it subscribes to @samsa/core-client's diagnostics channels
 * (names and payloads are core-client's documented contract) while enabled, and unsubscribes when
 * disabled.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { TracerProvider } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  type ClientCreatedEvent,
  type CommitEvent,
  DiagnosticsChannelNames,
  type FetchEvent,
  type ProcessEvent,
  type SendEvent,
} from '@samsa/core-client';
import { ClientRegistry, type MeasuredConsumer } from './client-registry.js';
import { type ConsumerHook, ConsumerTracing } from './consumer-tracing.js';
import { ContextBinding } from './context-binding.js';
import { MessagingMetrics } from './messaging-metrics.js';
import { NEST_HANDLE_CHANNEL, type NestHandleEvent, NestTracing } from './nest-tracing.js';
import { type ProducerHook, ProducerTracing } from './producer-tracing.js';
import {
  RegistryChannels,
  type RegistryLookupEvent,
  type RegistryRequestEvent,
  RegistryTelemetry,
} from './registry-tracing.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export interface SamsaInstrumentationConfig extends InstrumentationConfig {
  /**
   * How a consumer's `process` span relates to the producer's span: `'continue'` (default) makes it
   * the parent, so a record's journey is one trace (as @opentelemetry/instrumentation-kafkajs does);
   * `'link'` starts the span in the handler's surrounding context and links to the producer's.
   */
  processContext?: 'continue' | 'link';
  /** Record `messaging.kafka.message.key` (keys that are strings or bytes). Default true. */
  captureMessageKey?: boolean;
  /** Called with each producer span and its message, before the message is sent. */
  producerHook?: ProducerHook;
  /** Called with each process span and its message or batch, before the handler runs. */
  consumerHook?: ConsumerHook;
}

type Handlers<T> = Partial<Record<'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error', (event: T) => void>>;

export class SamsaInstrumentation extends InstrumentationBase<SamsaInstrumentationConfig> {
  private readonly clients = new ClientRegistry();
  private readonly subscriptions: (() => void)[] = [];
  // Set in the constructor body: the base class calls setConfig/_updateMetricInstruments before it ends.
  declare private metrics: MessagingMetrics;
  declare private binding: ContextBinding<ProcessEvent>;
  declare private consumerTracing: ConsumerTracing;
  declare private nestBinding: ContextBinding<NestHandleEvent>;
  declare private registry: RegistryTelemetry;

  constructor(config: SamsaInstrumentationConfig = {}) {
    // Enabled below, once this class's fields exist (the base would enable from its constructor).
    super(PACKAGE_NAME, PACKAGE_VERSION, { ...config, enabled: false });
    this.setConfig(config);
    this.metrics = new MessagingMetrics(this.clients);
    this.metrics.update(this.meter);
    this.registry = new RegistryTelemetry(() => this.tracer);
    this.registry.update(this.meter);
    if (config.enabled !== false) this.enable();
  }

  /** This instrumentation patches no module: it only subscribes to diagnostics channels. */
  protected override init(): [] {
    return [];
  }

  protected override _updateMetricInstruments(): void {
    this.metrics?.update(this.meter);
    this.registry?.update(this.meter);
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    // NodeSDK registers its context manager before it hands instrumentations the tracer provider.
    if (this.isEnabled()) this.refreshBindings();
  }

  private refreshBindings(): void {
    this.binding?.refresh();
    this.nestBinding?.refresh();
  }

  /** Reports this consumer's lag too (consumers created while the instrumentation is enabled are found on their own). */
  observe(consumer: MeasuredConsumer): void {
    this.clients.add(consumer);
  }

  override enable(): void {
    super.enable();
    if (this.subscriptions.length > 0 || this.metrics === undefined || this.registry === undefined) return;
    const config = this.getConfig();
    const onHookError = (err: unknown) => this._diag.error('hook failed', err);
    const producer = new ProducerTracing({
      tracer: () => this.tracer,
      captureMessageKey: config.captureMessageKey ?? true,
      hook: config.producerHook,
      onHookError,
    });
    this.consumerTracing = new ConsumerTracing({
      tracer: () => this.tracer,
      processContext: config.processContext ?? 'continue',
      captureMessageKey: config.captureMessageKey ?? true,
      hook: config.consumerHook,
      onHookError,
    });
    const process = diagnostics_channel.tracingChannel<unknown, ProcessEvent>(
      DiagnosticsChannelNames.process,
    );
    this.binding = new ContextBinding(process, this.consumerTracing.enter);
    const nest = new NestTracing({
      tracer: () => this.tracer,
      processContext: config.processContext ?? 'continue',
      captureMessageKey: config.captureMessageKey ?? true,
    });
    const nestChannel = diagnostics_channel.tracingChannel<unknown, NestHandleEvent>(NEST_HANDLE_CHANNEL);
    this.nestBinding = new ContextBinding(nestChannel, nest.enter);
    this.refreshBindings();
    const metrics = this.metrics;
    this.subscribe<SendEvent>(DiagnosticsChannelNames.send, {
      start: (event) => {
        metrics.started(event);
        producer.start(event);
      },
      asyncEnd: (event) => {
        producer.asyncEnd(event);
        metrics.sendEnded(event);
      },
    });
    this.subscribe<ProcessEvent>(DiagnosticsChannelNames.process, {
      start: (event) => {
        if (!this.binding.active && this.binding.refresh()) this._diag.debug('bound handler context late');
        metrics.started(event);
        this.consumerTracing.start(event);
      },
      asyncEnd: (event) => {
        this.consumerTracing.asyncEnd(event);
        metrics.processEnded(event);
      },
    });
    // @samsa/nest's @Subscribe invocations (its documented channel; the package is not imported).
    this.subscribe<NestHandleEvent>(NEST_HANDLE_CHANNEL, {
      start: (event) => {
        if (!this.nestBinding.active) this.nestBinding.refresh();
        nest.start(event);
      },
      asyncEnd: nest.asyncEnd,
    });
    this.subscribe<FetchEvent>(DiagnosticsChannelNames.fetch, {
      start: metrics.started,
      asyncEnd: metrics.fetchEnded,
    });
    this.subscribe<CommitEvent>(DiagnosticsChannelNames.commit, {
      start: metrics.started,
      asyncEnd: metrics.commitEnded,
    });
    // @samsa/schema-registry's server requests and serde lookups (its documented channels).
    const registry = this.registry;
    this.subscribe<RegistryRequestEvent>(RegistryChannels.request, {
      start: registry.requestStart,
      asyncEnd: registry.requestEnd,
    });
    this.subscribe<RegistryLookupEvent>(RegistryChannels.lookup, {
      start: registry.lookupStart,
      asyncEnd: registry.lookupEnd,
    });
    const cache = diagnostics_channel.channel(RegistryChannels.cache);
    cache.subscribe(registry.cache);
    this.subscriptions.push(() => cache.unsubscribe(registry.cache));
    const created = diagnostics_channel.channel(DiagnosticsChannelNames.clientCreated);
    const onCreated = (message: unknown) => {
      const { client, instance } = message as ClientCreatedEvent;
      if (client.type === 'consumer') this.clients.add(instance as MeasuredConsumer);
      this.refreshBindings();
    };
    created.subscribe(onCreated);
    this.subscriptions.push(() => created.unsubscribe(onCreated));
  }

  override disable(): void {
    super.disable();
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    this.binding?.unbind();
    this.nestBinding?.unbind();
  }

  private subscribe<T extends object>(name: string, handlers: Handlers<T>): void {
    const ch = diagnostics_channel.tracingChannel<unknown, T>(name);
    const noop = () => {};
    const all = {
      start: handlers.start ?? noop,
      end: handlers.end ?? noop,
      asyncStart: handlers.asyncStart ?? noop,
      asyncEnd: handlers.asyncEnd ?? noop,
      error: handlers.error ?? noop,
    };
    ch.subscribe(all);
    this.subscriptions.push(() => ch.unsubscribe(all));
  }
}
