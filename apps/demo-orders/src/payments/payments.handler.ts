import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Ctx, NonRetryableError, Payload, type SamsaContext, SamsaProducer, Subscribe } from '@samsa/nest';
import { EventLog, money } from '../event-log.js';
import type { OrderCreated } from '../generated/events.js';
import { OrderCreatedTopic, PaymentCompletedTopic } from '../topics.js';

/** Above this the (pretend) payment provider declines every time: such orders end in the dead-letter topic. */
export const PAYMENT_LIMIT = 10_000;

export class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
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
    // Orders of different customers are charged in parallel; one customer's orders stay in order.
    concurrency: { partitions: 3, keysPerPartition: 8 },
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
    await this.producer.publish(PaymentCompletedTopic, {
      orderId: order.orderId,
      customerId: order.customerId,
      paymentId: `pay-${randomUUID().slice(0, 8)}`,
      amount: order.total,
      completedAt: Date.now(),
    });
    this.log.print('payments', `-> PaymentCompleted ${order.orderId}: charged ${money(order.total)}`);
  }
}
