import { Inject, Injectable } from '@nestjs/common';
import { Payload, Subscribe } from '@samsa/nest';
import { EventLog } from '../event-log.js';
import { CustomerNotifiedTopic } from '../topics.js';
import type { CustomerNotified } from './customer-notified.js';

/** Keeps a record of what customers were told: reads the JSON Schema topic, its payloads checked by zod. */
@Injectable()
export class NotificationsAudit {
  constructor(@Inject(EventLog) private readonly log: EventLog) {}

  @Subscribe(CustomerNotifiedTopic, { groupId: 'audit', fromBeginning: true })
  record(@Payload() notice: CustomerNotified): void {
    this.log.print(
      'audit',
      `<- CustomerNotified ${notice.orderId} (JSON Schema): ${notice.channel} to ${notice.customerId}`,
    );
  }
}
