import type { LoggerService } from '@nestjs/common';
import type { EachBatchPayload, ProducerLike, ProducerRecord } from '../client/kafka-like.js';
import { inFailedAttemptScope } from '../subscribe/handler-tracing.js';
import { backOff } from './backoff.js';
import type { ContainerStats } from './container-stats.js';
import { deadLetterMessage } from './dead-letter.js';
import type { FailedRecords } from './delivery.js';
import { earnsRetry } from './retry-policy.js';
import type { ShutdownGate } from './shutdown-gate.js';
import type { SubscriptionSpec } from './subscription-spec.js';

/**
 * How given-up records leave: `PublishedDeadLetters` publishes their dead letters with the shared
 * producer (the strategy commits their offsets later); a transactional subscription publishes them and
 * commits the offsets past the records in one transaction (`TransactionalDeadLetters`).
 */
export interface DeadLetterOutlet {
  /**
   * Publishes `deadLetters` for `failed` (undefined when dead-lettering is off: nothing to publish).
   * True when done; false when shutdown or a lost partition interrupted it (nothing done, the records
   * stay unfinished). A failure that must crash the consumer throws.
   */
  deliver(failed: FailedRecords, deadLetters: ProducerRecord | undefined): Promise<boolean>;
}

/** Dead letters through the shared producer; a failed publish throws (the record is not committed). */
export class PublishedDeadLetters implements DeadLetterOutlet {
  /** `producer`: connected by whoever owns it. */
  constructor(private readonly producer: () => Promise<ProducerLike>) {}

  async deliver(_failed: FailedRecords, deadLetters: ProducerRecord | undefined): Promise<boolean> {
    if (deadLetters) await (await this.producer()).send(deadLetters);
    return true;
  }
}

/**
 * After a handler call failed: decides between another attempt (after a backoff) and giving up, and
 * gives up by publishing the records to the dead-letter topic, or by logging and skipping them when
 * dead-lettering is off.
 */
export class FailureHandler {
  constructor(
    private readonly spec: SubscriptionSpec,
    private readonly outlet: DeadLetterOutlet,
    private readonly logger: LoggerService,
    private readonly gate: ShutdownGate,
    private readonly stats: ContainerStats,
  ) {}

  /** Whether `error`, thrown by attempt number `attempt`, earns another attempt. */
  retries(error: unknown, attempt: number): boolean {
    return earnsRetry(this.spec.retry, error, attempt);
  }

  /** Waits before the next attempt, heartbeating; false if shutdown began (the record is left for later). */
  backoff(failures: number, fetch: EachBatchPayload): Promise<boolean> {
    return backOff(this.spec.retry.delayMs(failures), this.gate, fetch);
  }

  /**
   * The records failed for good: dead-letter them, or log and skip them. True when they are finished;
   * false when shutdown or a lost partition interrupted it (they stay unfinished). A failed
   * dead-letter publish of a plain subscription throws.
   */
  async giveUp(failed: FailedRecords): Promise<boolean> {
    const { topic, partition, messages, error, attempts } = failed;
    const target = this.spec.deadLetterTopic?.(topic);
    const deadLetters =
      target === undefined
        ? undefined
        : {
            topic: target,
            messages: messages.map((message) =>
              deadLetterMessage({ topic, partition, groupId: this.spec.groupId, message, error, attempts }),
            ),
          };
    // In the last attempt's context, so the dead letter stays in the record's trace.
    if (!(await inFailedAttemptScope(error, () => this.outlet.deliver(failed, deadLetters)))) return false;
    const reason = error instanceof Error ? error.message : String(error);
    const where = `${topic}[${partition}]@${messages.map((m) => m.offset).join(',')}`;
    if (target === undefined) {
      this.stats.skipped += messages.length;
      this.logger.error?.(
        `${this.spec.id}: giving up on ${where} after ${attempts} attempt(s), skipping (deadLetter is off): ${reason}`,
      );
    } else {
      this.stats.deadLettered += messages.length;
      this.logger.warn?.(
        `${this.spec.id}: ${where} sent to ${target} after ${attempts} attempt(s): ${reason}`,
      );
    }
    return true;
  }
}
