import { Inject, Injectable } from '@nestjs/common';
import { Ctx, DeadLetterHeaders, Payload, type SamsaContext, Subscribe } from '@samsa/nest';
import { EventLog } from '../event-log.js';
import type { OrderCreated } from '../generated/events.js';
import { OrdersDeadLetterTopic } from '../topics.js';

/** Watches the dead-letter topic, as an operator's alerting would. */
@Injectable()
export class DeadLetterMonitor {
  constructor(@Inject(EventLog) private readonly log: EventLog) {}

  @Subscribe(OrdersDeadLetterTopic, {
    groupId: 'dead-letter-monitor',
    fromBeginning: true,
    deadLetter: false,
  })
  watch(@Payload() order: OrderCreated, @Ctx() ctx: SamsaContext): void {
    const h = (name: string) => ctx.header(name) ?? '?';
    this.log.print(
      'dead-letter',
      `!! OrderCreated ${order.orderId} parked in ${ctx.topic} after ${h(DeadLetterHeaders.ATTEMPTS)} attempts ` +
        `(from ${h(DeadLetterHeaders.ORIGINAL_TOPIC)}[${h(DeadLetterHeaders.ORIGINAL_PARTITION)}]` +
        `@${h(DeadLetterHeaders.ORIGINAL_OFFSET)}): ${h(DeadLetterHeaders.EXCEPTION_FQCN)}: ` +
        h(DeadLetterHeaders.EXCEPTION_MESSAGE),
    );
  }
}
