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
