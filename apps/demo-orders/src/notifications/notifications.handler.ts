import { Inject, Injectable } from '@nestjs/common';
import { Payload, SamsaProducer, Subscribe } from '@samsa/nest';
import { EventLog, money } from '../event-log.js';
import type { PaymentCompleted } from '../generated/events.js';
import { CustomerNotifiedTopic, PaymentCompletedTopic } from '../topics.js';

@Injectable()
export class NotificationsHandler {
  constructor(
    @Inject(SamsaProducer) private readonly producer: SamsaProducer,
    @Inject(EventLog) private readonly log: EventLog,
  ) {}

  @Subscribe(PaymentCompletedTopic, { groupId: 'notifications', fromBeginning: true })
  async notify(@Payload() payment: PaymentCompleted): Promise<void> {
    const message = `we received ${money(payment.amount)}`;
    this.log.print(
      'notifications',
      `<- PaymentCompleted ${payment.orderId}: told ${payment.customerId} "${message}"`,
    );
    // An Avro event in, a JSON Schema event out: one API for both formats.
    await this.producer.publish(CustomerNotifiedTopic, {
      orderId: payment.orderId,
      customerId: payment.customerId,
      channel: 'email',
      message,
      sentAt: new Date().toISOString(),
    });
  }
}
