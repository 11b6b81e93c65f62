/**
 * Runs consumer handlers inside their process span's context: the process channel's `start` gets the
 * AsyncLocalStorage behind OpenTelemetry's context manager bound to it (diagnostics_channel's
 * `bindStore`), so `context.active()` in the handler is the span's context and what the handler
 * starts (HTTP, database, `producer.send`) nests under it.
 *
 * The OpenTelemetry API does not expose that storage yet (open-telemetry/opentelemetry-js#6088), so it
 * is read from the registered context manager (AsyncLocalStorageContextManager keeps it in
 * `_asyncLocalStorage`), as other diagnostics-channel integrations do. The manager is usually
 * registered after instrumentations are created (NodeSDK.start()), so binding is retried when a tracer
 * provider is set, when a client is created, and at the first handler call, and follows a manager
 * that was replaced. Without such a manager, spans are still recorded; handlers just do not see them
 * as the active context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TracingChannel } from 'node:diagnostics_channel';
import { type Context, context } from '@opentelemetry/api';

type ContextApiInternals = { _getContextManager?(): unknown };

function otelStorage(): AsyncLocalStorage<Context> | null {
  const manager = (context as unknown as ContextApiInternals)._getContextManager?.();
  const storage = (manager as { _asyncLocalStorage?: unknown } | undefined)?._asyncLocalStorage;
  return storage instanceof AsyncLocalStorage ? (storage as AsyncLocalStorage<Context>) : null;
}

export class ContextBinding<T extends object> {
  private bound: AsyncLocalStorage<Context> | null = null;

  constructor(
    private readonly channel: TracingChannel<unknown, T>,
    /** Starts the operation's span and returns the context to run it in. */
    private readonly transform: (event: T) => Context,
  ) {}

  get active(): boolean {
    return this.bound !== null;
  }

  /** Binds to the current context manager's storage (again, if it changed); false when there is none. */
  refresh(): boolean {
    const storage = otelStorage();
    if (storage === this.bound) return storage !== null;
    this.unbind();
    if (storage !== null) {
      this.channel.start.bindStore(
        storage as AsyncLocalStorage<unknown>,
        this.transform as (event: T) => unknown,
      );
      this.bound = storage;
    }
    return storage !== null;
  }

  unbind(): void {
    if (this.bound === null) return;
    this.channel.start.unbindStore(this.bound as AsyncLocalStorage<unknown>);
    this.bound = null;
  }
}
