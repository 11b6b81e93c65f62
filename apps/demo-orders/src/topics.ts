import { defineTopic } from '@samsa/nest';
import { OrderCreatedSchema, PaymentCompletedSchema } from './generated/events.js';
import { CustomerNotified } from './notifications/customer-notified.js';

/** Orders placed through POST /orders; keyed by customer so each customer's events stay in order. */
export const OrderCreatedTopic = defineTopic('orders.created', {
  schema: OrderCreatedSchema,
  key: (event) => event.customerId,
});

/** Payments that went through; keyed by customer too. */
export const PaymentCompletedTopic = defineTopic('payments.completed', {
  schema: PaymentCompletedSchema,
  key: (event) => event.customerId,
});

/**
 * Customers told about their payment: JSON Schema (from zod) rather than Avro, to show both formats side by side.
 * zod checks each event before it is published and, for this topic, again when it is consumed.
 */
export const CustomerNotifiedTopic = defineTopic('notifications.sent', {
  schema: CustomerNotified,
  format: 'json',
  key: (event) => event.customerId,
  validate: { publish: true, consume: true },
});

/** Where orders whose payment keeps failing end up, with the error in the headers. */
export const OrdersDeadLetterTopic = `${OrderCreatedTopic.topic}.dlq`;
