import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Ctx, NonRetryableError, Payload, type SamsaContext, SamsaProducer, Subscribe } from '@samsa/nest';
import { EventLog, money } from '../event-log.js';
import type { OrderCreated } from '../generated/events.js';
import { OrderCreatedTopic, PaymentCompletedTopic } from '../topics.js';

/** Above this the (pretend) payment provider declines every time: such orders end in the dead-letter topic. */
export const PAYMENT_LIMIT = 10_000;

/**
 * Orders with an item of this SKU hit a (pretend) ledger outage on their first attempt, after the payment was
 * charged and PaymentCompleted published: the attempt fails, its transaction is aborted, and the retry's
 * PaymentCompleted is the only one anyone reads.
 */
export const LEDGER_HICCUP_SKU = 'gadget';

export class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
}

export class LedgerUnavailableError extends Error {
  override name = 'LedgerUnavailableError';
}

@Injectable()
export class PaymentsHandler {
  constructor(
    @Inject(SamsaProducer) private readonly producer: SamsaProducer,
    @Inject(EventLog) private readonly log: EventLog,
  ) {}

  @Subscribe(OrderCreatedTopic, {
    groupId: 'payments',
    fromBeginning: true,
    // Exactly once: each order's PaymentCompleted commits with the order's offset, in one Kafka transaction.
    transactional: true,
    // Three partitions in parallel; each partition's orders (so each customer's) in order.
    concurrency: 3,
    retry: { attempts: 3, backoff: { initialMs: 200, multiplier: 2 } },
    deadLetter: true,
  })
  async charge(@Payload() order: OrderCreated, @Ctx() ctx: SamsaContext): Promise<void> {
    this.log.print(
      'payments',
      `<- OrderCreated ${order.orderId} (${ctx.topic}[${ctx.partition}]@${ctx.offset}, attempt ${ctx.attempt})`,
    );
    if (order.items.length === 0) throw new NonRetryableError(`order ${order.orderId} has no items`);
    if (order.total > PAYMENT_LIMIT) {
      this.log.print('payments', `x  payment of ${money(order.total)} for ${order.orderId} declined`);
      throw new PaymentDeclinedError(
        `payment of ${money(order.total)} exceeds the limit of ${money(PAYMENT_LIMIT)}`,
      );
    }
    // Goes into this delivery's transaction: visible (read_committed) only if the handler returns.
    await this.producer.publish(PaymentCompletedTopic, {
      orderId: order.orderId,
      customerId: order.customerId,
      paymentId: `pay-${randomUUID().slice(0, 8)}`,
      amount: order.total,
      completedAt: Date.now(),
    });
    if (ctx.attempt === 1 && order.items.some((item) => item.sku === LEDGER_HICCUP_SKU)) {
      this.log.print(
        'payments',
        `x  ledger unavailable after publishing PaymentCompleted ${order.orderId}: transaction aborted, retrying`,
      );
      throw new LedgerUnavailableError(`the ledger did not answer for ${order.orderId}`);
    }
    this.log.print('payments', `-> PaymentCompleted ${order.orderId}: charged ${money(order.total)}`);
  }
}
