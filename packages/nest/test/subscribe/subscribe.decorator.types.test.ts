/**
 * Compile-time checks of typed topics: `@Subscribe(topicDefinition)` holds the handler's payload parameter to the
 * topic's value type, and `publish` holds the event to it. The `@ts-expect-error` lines are the rejected cases:
 * `npm run lint` (tsc over the tests) fails if any of them compiles; the rest must compile. At run time this file
 * only checks that the decorators still record what they decorate.
 */
import 'reflect-metadata';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Ctx,
  defineTopic,
  type EventOf,
  Payload,
  type SamsaContext,
  type SamsaProducer,
  Subscribe,
} from '../../src/index.js';
import { SUBSCRIBE_METADATA } from '../../src/subscribe/constants.js';

interface OrderCreated {
  orderId: string;
  customerId: string;
  total: number;
}

interface PaymentCompleted {
  orderId: string;
  paymentId: string;
  amount: number;
}

const OrderCreatedTopic = defineTopic<OrderCreated>('orders.created');
const PaymentCompletedTopic = defineTopic<PaymentCompleted>('payments.completed');

class Accepted {
  @Subscribe(OrderCreatedTopic)
  charge(@Payload() order: OrderCreated, @Ctx() ctx: SamsaContext): void {
    void order.total;
    void ctx.offset;
  }

  // A supertype of the value type takes it too, and so does unknown.
  @Subscribe(OrderCreatedTopic, { groupId: 'audit' })
  async audit(@Payload() order: { orderId: string }): Promise<void> {
    void order.orderId;
  }

  @Subscribe(OrderCreatedTopic, { groupId: 'raw' })
  raw(payload: unknown): void {
    void payload;
  }

  @Subscribe(OrderCreatedTopic, { groupId: 'counter' })
  count(): void {}

  @Subscribe(OrderCreatedTopic, { groupId: 'batches', batch: { maxSize: 100 } })
  batch(@Payload() orders: OrderCreated[]): void {
    void orders.length;
  }

  // By name, nothing is known of the payload.
  @Subscribe('orders.created', { groupId: 'by-name' })
  byName(@Payload() anything: PaymentCompleted): void {
    void anything;
  }
}

class Rejected {
  // @ts-expect-error OrderCreated is not assignable to PaymentCompleted: the wrong event type for the topic
  @Subscribe(OrderCreatedTopic, { groupId: 'wrong' })
  wrongEvent(@Payload() payment: PaymentCompleted): void {
    void payment;
  }

  // @ts-expect-error a batch handler gets OrderCreated[], not one OrderCreated
  @Subscribe(OrderCreatedTopic, { groupId: 'wrong-batch', batch: true })
  notAnArray(@Payload() order: OrderCreated): void {
    void order;
  }

  // @ts-expect-error a one-record handler gets one OrderCreated, not an array
  @Subscribe(OrderCreatedTopic, { groupId: 'wrong-single' })
  anArray(@Payload() orders: OrderCreated[]): void {
    void orders;
  }
}

/** `publish` checks (never called: the producer is only a type here). */
function publishing(producer: SamsaProducer) {
  void producer.publish(OrderCreatedTopic, { orderId: 'o-1', customerId: 'c-1', total: 42 });
  void producer.publish('orders.created', { anything: true });
  void producer.publishMany(PaymentCompletedTopic, [{ orderId: 'o-1', paymentId: 'p-1', amount: 42 }]);
  // @ts-expect-error the event is not an OrderCreated: the error names OrderCreated, not the string overload
  void producer.publish(OrderCreatedTopic, { orderId: 'o-1', paymentId: 'p-1', amount: 42 });
  // @ts-expect-error total must be a number
  void producer.publishMany(OrderCreatedTopic, [{ orderId: 'o-1', customerId: 'c-1', total: '42' }]);
}

describe('typed @Subscribe and publish', () => {
  it('take the topic value type: EventOf reads it from a definition, unknown for a name', () => {
    expectTypeOf<EventOf<typeof OrderCreatedTopic>>().toEqualTypeOf<OrderCreated>();
    expectTypeOf<EventOf<'orders.created'>>().toEqualTypeOf<unknown>();
    expectTypeOf(publishing).toBeFunction();
  });

  it('still record every decorated method, accepted or not', () => {
    for (const [type, method] of [
      [Accepted, 'charge'],
      [Accepted, 'batch'],
      [Rejected, 'wrongEvent'],
    ] as const) {
      const handler = (type.prototype as unknown as Record<string, object>)[method];
      expect(Reflect.getMetadata(SUBSCRIBE_METADATA, handler)).toHaveLength(1);
    }
  });
});
