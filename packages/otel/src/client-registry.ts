/**
 * The consumers whose lag the instrumentation reports: those created while it is enabled
 * (`samsa:client:created`) and those handed to `observe()`. Held weakly, so a consumer the
 * application drops is not kept alive by its metrics.
 */
import type { ConsumerMetrics } from '@samsa/core-client';

export interface MeasuredConsumer {
  metrics(): ConsumerMetrics;
}

export class ClientRegistry {
  private readonly refs = new Set<WeakRef<MeasuredConsumer>>();
  private readonly known = new WeakSet<object>();

  add(consumer: MeasuredConsumer): void {
    if (this.known.has(consumer)) return;
    this.known.add(consumer);
    this.refs.add(new WeakRef(consumer));
  }

  /** The live consumers (dropped ones are forgotten). */
  *consumers(): Iterable<MeasuredConsumer> {
    for (const ref of this.refs) {
      const consumer = ref.deref();
      if (consumer === undefined) this.refs.delete(ref);
      else yield consumer;
    }
  }
}
