/**
 * @samsa/otel: OpenTelemetry traces and metrics for Samsa, from @samsa/core-client's diagnostics
 * channels. `registerInstrumentations({ instrumentations: [new SamsaInstrumentation()] })`.
 */
export type { MeasuredConsumer } from './client-registry.js';
export type { ConsumerHook } from './consumer-tracing.js';
export { SamsaInstrumentation, type SamsaInstrumentationConfig } from './instrumentation.js';
export {
  ATTR_NEST_HANDLER,
  ATTR_NEST_OUTCOME,
  NEST_HANDLE_CHANNEL,
  type NestHandleEvent,
} from './nest-tracing.js';
export type { ProducerHook } from './producer-tracing.js';
export { headerGetter, headerSetter } from './propagation.js';
export {
  type RegistryCacheEvent,
  RegistryChannels,
  type RegistryLookupEvent,
  type RegistryRequestEvent,
} from './registry-tracing.js';
export * as semconv from './semconv.js';
