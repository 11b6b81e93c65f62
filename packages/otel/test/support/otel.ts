/**
 * An OpenTelemetry SDK for tests: a NodeTracerProvider registered globally (AsyncLocalStorage context
 * manager, W3C trace context and baggage) exporting to memory, and a meter provider whose metrics the
 * test collects on demand.
 */
import { metrics } from '@opentelemetry/api';
import {
  type DataPoint,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';

/** A reader that exports nothing by itself: `collect()` when the test wants the numbers. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface TestTelemetry {
  spans: InMemorySpanExporter;
  tracerProvider: NodeTracerProvider;
  meterProvider: MeterProvider;
  collect(): Promise<ResourceMetrics>;
  shutdown(): Promise<void>;
}

export function startTelemetry(): TestTelemetry {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  tracerProvider.register();
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans,
    tracerProvider,
    meterProvider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw errors[0];
      return resourceMetrics;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The data points of metric `name`. */
export function points(metricsData: ResourceMetrics, name: string): DataPoint<unknown>[] {
  for (const scope of metricsData.scopeMetrics)
    for (const m of scope.metrics)
      if (m.descriptor.name === name) return m.dataPoints as DataPoint<unknown>[];
  return [];
}

export const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

/** The parent span id of a span (SDK 2.x keeps it in parentSpanContext). */
export const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
