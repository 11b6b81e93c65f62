import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { SamsaProducer } from '@samsa/nest';
import { EventLog, money } from '../event-log.js';
import type { OrderCreated } from '../generated/events.js';
import { OrderCreatedTopic } from '../topics.js';
import { type CreateOrderDto, orderTotal } from './create-order.dto.js';

@Injectable()
export class OrdersService {
  constructor(
    @Inject(SamsaProducer) private readonly producer: SamsaProducer,
    @Inject(EventLog) private readonly log: EventLog,
  ) {}

  /** Publishes OrderCreated (Avro, keyed by customer) and returns the new order id. */
  async place(order: CreateOrderDto): Promise<string> {
    const event: OrderCreated = {
      orderId: `o-${randomUUID().slice(0, 8)}`,
      customerId: order.customerId,
      items: order.items.map(({ sku, quantity, price }) => ({ sku, quantity, price })),
      total: orderTotal(order.items),
      createdAt: Date.now(),
    };
    // The request's span (when traced) says which order it placed.
    trace.getActiveSpan()?.setAttribute('order.id', event.orderId);
    const [sent] = await this.producer.publish(OrderCreatedTopic, event);
    this.log.print(
      'orders',
      `-> OrderCreated ${event.orderId} for ${event.customerId}, total ${money(event.total)} ` +
        `(${OrderCreatedTopic.topic}[${sent?.partition}])`,
    );
    return event.orderId;
  }
}
