import { Inject, Injectable } from '@nestjs/common';
import { Payload, Subscribe } from '@samsa/nest';
import { EventLog, money } from '../event-log.js';
import type { PaymentCompleted } from '../generated/events.js';
import { PaymentCompletedTopic } from '../topics.js';

@Injectable()
export class NotificationsHandler {
  constructor(@Inject(EventLog) private readonly log: EventLog) {}

  @Subscribe(PaymentCompletedTopic, { groupId: 'notifications', fromBeginning: true })
  notify(@Payload() payment: PaymentCompleted): void {
    this.log.print(
      'notifications',
      `<- PaymentCompleted ${payment.orderId}: told ${payment.customerId} "we received ${money(payment.amount)}"`,
    );
  }
}
