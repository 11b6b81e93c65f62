import type { LoggerService } from '@nestjs/common';
import type { EachBatchPayload, ProducerLike } from '../client/kafka-like.js';
import { inFailedAttemptScope } from '../subscribe/handler-tracing.js';
import type { ContainerStats } from './container-stats.js';
import { deadLetterMessage } from './dead-letter.js';
import type { FailedRecords } from './delivery.js';
import { earnsRetry } from './retry-policy.js';
import type { ShutdownGate } from './shutdown-gate.js';
import { sleepUnless } from './sleep.js';
import type { SubscriptionSpec } from './subscription-spec.js';

/** Where failed records go. */
export interface FailureOutlets {
  /** Producer for dead letters; connected by whoever owns it. */
  producer: () => Promise<ProducerLike>;
  logger: LoggerService;
}

/**
 * After a handler call failed: decides between another attempt (after a backoff) and giving up, and
 * gives up by publishing the records to the dead-letter topic, or by logging and skipping them when
 * dead-lettering is off.
 */
export class FailureHandler {
  constructor(
    private readonly spec: SubscriptionSpec,
    private readonly outlets: FailureOutlets,
    private readonly gate: ShutdownGate,
    private readonly stats: ContainerStats,
  ) {}

  /** Whether `error`, thrown by attempt number `attempt`, earns another attempt. */
  retries(error: unknown, attempt: number): boolean {
    return earnsRetry(this.spec.retry, error, attempt);
  }

  /** Waits before the next attempt, heartbeating; false if shutdown began (the record is left for later). */
  async backoff(failures: number, fetch: EachBatchPayload): Promise<boolean> {
    const ms = this.spec.retry.delayMs(failures);
    let lastBeat = Date.now();
    return sleepUnless(ms, () => {
      if (Date.now() - lastBeat > 1_000) {
        lastBeat = Date.now();
        fetch.heartbeat().catch(() => undefined);
      }
      return !this.gate.canStart(fetch);
    });
  }

  /** The records failed for good: dead-letter them, or log and skip them. A failed dead-letter publish throws. */
  async giveUp({ topic, partition, messages, error, attempts }: FailedRecords): Promise<void> {
    const target = this.spec.deadLetterTopic?.(topic);
    const reason = error instanceof Error ? error.message : String(error);
    const where = `${topic}[${partition}]@${messages.map((m) => m.offset).join(',')}`;
    if (target === undefined) {
      this.stats.skipped += messages.length;
      this.outlets.logger.error?.(
        `${this.spec.id}: giving up on ${where} after ${attempts} attempt(s), skipping (deadLetter is off): ${reason}`,
      );
      return;
    }
    const producer = await this.outlets.producer();
    await inFailedAttemptScope(error, () =>
      producer.send({
        topic: target,
        messages: messages.map((message) =>
          deadLetterMessage({ topic, partition, groupId: this.spec.groupId, message, error, attempts }),
        ),
      }),
    );
    this.stats.deadLettered += messages.length;
    this.outlets.logger.warn?.(
      `${this.spec.id}: ${where} sent to ${target} after ${attempts} attempt(s): ${reason}`,
    );
  }
}
