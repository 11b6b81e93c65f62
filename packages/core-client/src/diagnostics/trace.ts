/**
 * Publishing on the tracing channels (channels.ts) with the lifecycle documented there: `start`, `end`,
 * then `error` if it failed and always `asyncStart` + `asyncEnd` once settled. Callers check the
 * channel's `hasSubscribers` first and build no payload without one.
 */
import type { TracingChannel } from 'node:diagnostics_channel';

interface Outcome {
  result?: unknown;
  error?: unknown;
}

type Channel<C extends object> = TracingChannel<unknown, C>;

/**
 * Runs `fn` as one operation: stores bound to `start` are active while it runs (a handler sees the
 * subscriber's span), and its settling is published whether it returns a value, a promise, or throws.
 */
export function traceOperation<C extends Outcome, R>(
  ch: Channel<C>,
  context: C,
  fn: () => R | Promise<R>,
): R | Promise<R> {
  return ch.start.runStores(context, () => {
    let out: R | Promise<R>;
    try {
      out = fn();
    } catch (err) {
      context.error = err;
      ch.error.publish(context);
      ch.end.publish(context);
      ch.asyncStart.publish(context);
      ch.asyncEnd.publish(context);
      throw err;
    }
    ch.end.publish(context);
    if (out !== null && typeof (out as Promise<R> | undefined)?.then === 'function') {
      return (out as Promise<R>).then(
        (value) => {
          context.result = value;
          settled(ch, context);
          return value;
        },
        (err) => {
          settled(ch, context, err);
          throw err;
        },
      );
    }
    context.result = out;
    settled(ch, context);
    return out;
  });
}

/** Publishes that an operation whose `start` (and `end`) went out earlier settled, failing with `error` if given. */
export function settled<C extends Outcome>(ch: Channel<C>, context: C, error?: unknown): void {
  if (error !== undefined) {
    context.error = error;
    ch.error.publish(context);
  }
  ch.asyncStart.publish(context);
  ch.asyncEnd.publish(context);
}

/** Publishes the start of an operation whose synchronous part is just handing it off (a request written). */
export function started<C extends object>(ch: Channel<C>, context: C): void {
  ch.start.publish(context);
  ch.end.publish(context);
}
