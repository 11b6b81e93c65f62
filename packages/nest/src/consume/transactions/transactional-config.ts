import { describeValue } from '@samsa/core-client';
import type { ResolvedSamsaOptions } from '../../module/samsa-module-options.js';

/**
 * Why the module's client settings cannot run a transactional subscription (empty when they can).
 * Its producers take SamsaModule's `producer` settings plus a transactional id, so those settings must
 * allow idempotence; its consumer reads read_committed.
 */
export function transactionalConfigProblems(module: ResolvedSamsaOptions): string[] {
  const problems: string[] = [];
  const producer = module.producer ?? {};
  const consumer = module.consumer ?? {};
  const fix = 'change it or leave it out';
  if (producer.transactionalId !== undefined) {
    problems.push(
      `SamsaModule's 'producer.transactionalId' is set: transactional subscriptions get producers of their own ` +
        `(ids from 'transactionalIdPrefix'), and the shared producer publishes outside transactions. Remove it ` +
        `(set 'transactionalIdPrefix' to choose the ids)`,
    );
  }
  for (const key of ['enableIdempotence', 'idempotent'] as const) {
    if (producer[key] === false) {
      problems.push(
        `SamsaModule's 'producer.${key}' is false: a transactional producer is idempotent; remove it, or drop 'transactional'`,
      );
    }
  }
  const acks = producer.acks;
  if (acks !== undefined && acks !== -1 && acks !== 'all') {
    problems.push(
      `SamsaModule's 'producer.acks' is ${describeValue(acks)}: transactions need acks -1 ('all'); ${fix}`,
    );
  }
  for (const key of ['maxInFlightRequestsPerConnection', 'maxInFlightRequests'] as const) {
    const n = producer[key];
    if (typeof n === 'number' && n > 5) {
      problems.push(
        `SamsaModule's 'producer.${key}' is ${n}: transactions allow at most 5 requests in flight; ${fix}`,
      );
    }
  }
  if (producer.retries === 0) {
    problems.push(`SamsaModule's 'producer.retries' is 0: transactions need retries above 0; ${fix}`);
  }
  if (consumer.isolationLevel === 'read_uncommitted' || consumer.readUncommitted === true) {
    problems.push(
      `SamsaModule's 'consumer' settings read read_uncommitted: a transactional subscription reads its input ` +
        `read_committed (records of aborted transactions are never handled); remove the setting`,
    );
  }
  return problems;
}
