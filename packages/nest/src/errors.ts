import { SamsaError } from '@samsa/protocol';

/** `SamsaModule.forRoot(...)` options (or a `@Subscribe`) that cannot work; the message lists every problem. */
export class SamsaConfigurationError extends SamsaError {
  readonly problems: readonly string[];

  constructor(where: string, problems: readonly string[]) {
    super(
      'NEST_INVALID_OPTIONS',
      `${where} ${problems.length === 1 ? 'has a problem' : `has ${problems.length} problems`}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.problems = problems;
  }
}

/**
 * Throw from a handler to skip the remaining retries: the record goes straight to the dead-letter
 * topic (or is logged and skipped when dead-lettering is off).
 */
export class NonRetryableError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NEST_NON_RETRYABLE', message, options);
  }
}

/**
 * Throw from a batch handler to say which record failed: records before `index` count as processed
 * and are committed, the record at `index` is retried (then dead-lettered), and the rest follow.
 */
export class BatchRecordError extends SamsaError {
  readonly index: number;

  constructor(index: number, cause: unknown) {
    super(
      'NEST_BATCH_RECORD_FAILED',
      `record ${index} of the batch failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.index = index;
  }
}

/** A record's value could not be decoded into the handler's payload; never retried. */
export class DeserializationError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NEST_DESERIALIZATION_FAILED', message, options);
  }
}

/** Publishing failed; `cause` is the client's error. */
export class PublishError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NEST_PUBLISH_FAILED', message, options);
  }
}

/**
 * A publish into a transactional handler's transaction after that transaction ended: the handler
 * returned (or threw) before the publish was made. Await every publish inside the handler.
 */
export class TransactionClosedError extends SamsaError {
  constructor(message: string) {
    super('NEST_TRANSACTION_CLOSED', message);
  }
}

/**
 * A transactional subscription stopped for good: its producer was fenced (another instance uses the
 * same transactional id) or cannot go on otherwise (`cause` says why). Its partitions go to the
 * group's other members; the container's health reports it crashed with this error.
 */
export class SubscriptionStoppedError extends SamsaError {
  /** A newer producer with the same transactional id took over (rather than another fatal error). */
  readonly fenced: boolean;

  constructor(message: string, fenced: boolean, options?: { cause?: unknown }) {
    super('NEST_SUBSCRIPTION_STOPPED', message, options);
    this.fenced = fenced;
  }
}
