/**
 * OpenTelemetry for the demo: HTTP server spans (@opentelemetry/instrumentation-http) and Kafka spans
 * (@samsa/otel), exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else one order's trace
 * printed to the console. Started before Nest loads Express, so the HTTP server is instrumented.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { SamsaInstrumentation } from '@samsa/otel';
import { PaymentCompletedTopic } from '../topics.js';
import { OrderTracePrinter } from './order-trace-printer.js';

export interface Telemetry {
  /** Where spans go, for the banner. */
  readonly destination: string;
  shutdown(): Promise<void>;
}

export function startTelemetry(env: NodeJS.ProcessEnv, write: (text: string) => void): Telemetry {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const processor: SpanProcessor = endpoint
    ? // The exporter reads the OTEL_EXPORTER_OTLP_* variables itself.
      new BatchSpanProcessor(new OTLPTraceExporter())
    : new OrderTracePrinter({ lastTopic: PaymentCompletedTopic.topic, write });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || 'demo-orders' }),
    spanProcessors: [processor],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Health checks and scrapes are not worth a trace each.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)\b/.test(request.url ?? ''),
      }),
      new SamsaInstrumentation(),
    ],
  });
  return {
    destination: endpoint
      ? `OTLP ${endpoint}`
      : 'printed below for one order (set OTEL_EXPORTER_OTLP_ENDPOINT to export)',
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
