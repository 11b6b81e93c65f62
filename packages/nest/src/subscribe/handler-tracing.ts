/**
 * Each `@Subscribe` invocation as one operation on the `samsa:nest:handle` tracing channel
 * (`node:diagnostics_channel`), so tracers see every attempt of every record: which handler, which
 * attempt of how many, and what came of it (handled, retried, dead-lettered, skipped). Stores bound to
 * the channel's `start` are active while the handler runs, so @samsa/otel runs it inside its span and
 * what the handler publishes continues the trace. Nothing is built while the channel has no
 * subscriber. The payload is a documented contract (README, "Tracing").
 */
import { AsyncResource } from 'node:async_hooks';
import diagnostics_channel from 'node:diagnostics_channel';
import { isObservable, lastValueFrom } from 'rxjs';
import type { ConsumedMessage } from '../client/kafka-like.js';
import { earnsRetry } from '../consume/retry-policy.js';
import type { HandlerInvoker, SubscriptionSpec } from '../consume/subscription-spec.js';
import { BatchRecordError } from '../errors.js';
import { SamsaBatchContext, type SamsaContext } from './samsa.context.js';

export const HANDLE_CHANNEL = 'samsa:nest:handle';

/** What became of an invocation: the retry policy's verdict on a failure. */
export type HandleOutcome = 'handled' | 'retry' | 'dead-letter' | 'skip';

export interface HandleEvent {
  /** `ClassName.method`. */
  handler: string;
  groupId: string;
  topic: string;
  partition: number;
  /** 1 on the first delivery, 2 on the first retry, ... */
  attempt: number;
  /** Deliveries the retry policy allows, the first included. */
  maxAttempts: number;
  /** A per-record handler's record. */
  message?: ConsumedMessage;
  /** A batch handler's records. */
  messages?: readonly ConsumedMessage[];
  /** Once settled: handled, or for a failure another attempt follows, or it is given up on. */
  outcome?: HandleOutcome;
  /** With outcome 'dead-letter': where the records go. */
  deadLetterTopic?: string;
  result?: unknown;
  error?: unknown;
}

export const handleChannel = diagnostics_channel.tracingChannel<unknown, HandleEvent>(HANDLE_CHANNEL);

/** The async context of traced attempts that were given up on, by the error they failed with. */
const givenUpScopes = new WeakMap<object, AsyncResource>();

/**
 * Runs `giveUp` (the dead-letter publish) in the async context of the traced attempt that failed with
 * `error`, so the dead letter continues that attempt's trace; as is when the attempt was not traced.
 */
export function inFailedAttemptScope<T>(error: unknown, giveUp: () => T): T {
  const scope = typeof error === 'object' && error !== null ? givenUpScopes.get(error) : undefined;
  return scope === undefined ? giveUp() : scope.runInAsyncScope(giveUp);
}

/** `spec.invoke`, publishing each call on `samsa:nest:handle` while the channel has subscribers. */
export function traceHandler(spec: SubscriptionSpec): HandlerInvoker {
  const invoke = spec.invoke;
  return (payload, context) => {
    if (!handleChannel.hasSubscribers) return invoke(payload, context);
    const event = handleEvent(spec, context);
    return handleChannel.start.runStores(event, () => {
      let result: unknown;
      try {
        result = invoke(payload, context);
        // An Observable is subscribed here, inside the bound stores, not later by the runner.
        if (isObservable(result)) result = lastValueFrom(result, { defaultValue: undefined });
      } catch (error) {
        failed(spec, event, error);
        handleChannel.end.publish(event);
        settled(event);
        throw error;
      }
      handleChannel.end.publish(event);
      if (!(result instanceof Promise)) {
        event.outcome = 'handled';
        event.result = result;
        settled(event);
        return result;
      }
      return result.then(
        (value) => {
          event.outcome = 'handled';
          event.result = value;
          settled(event);
          return value;
        },
        (error) => {
          failed(spec, event, error);
          settled(event);
          throw error;
        },
      );
    });
  };
}

function handleEvent(spec: SubscriptionSpec, context: SamsaContext | SamsaBatchContext): HandleEvent {
  const event: HandleEvent = {
    handler: spec.id,
    groupId: spec.groupId,
    topic: context.topic,
    partition: context.partition,
    attempt: context.attempt,
    maxAttempts: spec.retry.attempts,
  };
  if (context instanceof SamsaBatchContext) event.messages = context.messages;
  else event.message = context.message;
  return event;
}

/**
 * The retry policy's verdict, the same the dispatchers reach (record-processor.ts, batch-dispatch.ts):
 * a batch handler's BatchRecordError past its first record counts as the failed record's first attempt.
 */
function failed(spec: SubscriptionSpec, event: HandleEvent, error: unknown): void {
  event.error = error;
  let cause = error;
  let attempt = event.attempt;
  if (event.messages !== undefined && error instanceof BatchRecordError && error.index >= 0) {
    cause = error.cause ?? error;
    if (error.index > 0) attempt = 1;
  }
  if (earnsRetry(spec.retry, cause, attempt)) event.outcome = 'retry';
  else {
    const target = spec.deadLetterTopic?.(event.topic);
    event.outcome = target === undefined ? 'skip' : 'dead-letter';
    if (target !== undefined) {
      event.deadLetterTopic = target;
      // Created here, inside the attempt's stores: the dead letter is published in its context.
      const scope = new AsyncResource(HANDLE_CHANNEL);
      for (const key of [error, cause])
        if (typeof key === 'object' && key !== null) givenUpScopes.set(key, scope);
    }
  }
  handleChannel.error.publish(event);
}

function settled(event: HandleEvent): void {
  handleChannel.asyncStart.publish(event);
  handleChannel.asyncEnd.publish(event);
}
