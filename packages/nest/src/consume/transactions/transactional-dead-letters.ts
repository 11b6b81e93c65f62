import type { ProducerRecord } from '../../client/kafka-like.js';
import type { FailedRecords } from '../delivery.js';
import type { DeadLetterOutlet } from '../failure-handler.js';
import { ABORTED } from '../handler-runner.js';
import type { DeliveryTransactions } from './delivery-transactions.js';

/**
 * Gives records up in a transaction: their dead letters (none when dead-lettering is off) and the
 * group's offset past them commit together, so a record is dead-lettered exactly once, never lost
 * between the two, and never both dead-lettered and delivered again.
 */
export class TransactionalDeadLetters implements DeadLetterOutlet {
  constructor(private readonly transactions: DeliveryTransactions) {}

  async deliver(failed: FailedRecords, deadLetters: ProducerRecord | undefined): Promise<boolean> {
    const { topic, partition, messages } = failed;
    const last = messages[messages.length - 1]!.offset;
    const outcome = await this.transactions.run({
      source: failed,
      lastOffset: last,
      describe: `the dead letters of ${topic}[${partition}]@${messages.map((m) => m.offset).join(',')}`,
      run: async (transaction) => {
        if (deadLetters) await transaction.send(deadLetters);
      },
    });
    return outcome !== ABORTED;
  }
}
