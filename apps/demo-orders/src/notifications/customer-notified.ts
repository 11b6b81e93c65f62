import { z } from 'zod';

/**
 * A customer was told about their order: a JSON Schema event, defined with zod. Its JSON Schema is zod's own
 * (`z.toJSONSchema`), registered at start beside the Avro schemas of the order and payment events.
 */
export const CustomerNotified = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    channel: z.enum(['email', 'sms']),
    message: z.string(),
    sentAt: z.iso.datetime(),
  })
  .meta({ title: 'com.acme.demo.CustomerNotified' });

export type CustomerNotified = z.output<typeof CustomerNotified>;
