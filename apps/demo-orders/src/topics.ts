import { defineTopic } from '@samsa/nest';
import { OrderCreatedSchema, PaymentCompletedSchema } from './generated/events.js';

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

/** Where orders whose payment keeps failing end up, with the error in the headers. */
export const OrdersDeadLetterTopic = `${OrderCreatedTopic.topic}.dlq`;
