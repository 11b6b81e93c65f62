import type { EventLog } from './event-log.js';

/**
 * A few orders through the real HTTP endpoint: three customers, one whose payment fails once (and is still paid
 * exactly once), one invalid request, one that cannot be paid.
 */
export const SAMPLE_ORDERS: { note: string; body: unknown }[] = [
  { note: 'a book for c-1', body: { customerId: 'c-1', items: [{ sku: 'book', quantity: 1, price: 12.5 }] } },
  {
    note: 'coffee and a mug for c-2',
    body: {
      customerId: 'c-2',
      items: [
        { sku: 'coffee', quantity: 2, price: 4.2 },
        { sku: 'mug', quantity: 1, price: 9 },
      ],
    },
  },
  {
    note: 'a second order of c-1 (stays after the first)',
    body: { customerId: 'c-1', items: [{ sku: 'pen', quantity: 3, price: 1.5 }] },
  },
  {
    note: 'a gadget for c-4 (the ledger fails once after the charge: retried, paid exactly once)',
    body: { customerId: 'c-4', items: [{ sku: 'gadget', quantity: 1, price: 49.9 }] },
  },
  { note: 'an invalid order (rejected with 400, never published)', body: { customerId: '', items: [] } },
  {
    note: 'a yacht for c-3 (payment is declined every time: retried, then dead-lettered)',
    body: { customerId: 'c-3', items: [{ sku: 'yacht', quantity: 1, price: 250_000 }] },
  },
];

export async function placeSampleOrders(base: string, log: EventLog): Promise<void> {
  log.print('demo', `placing ${SAMPLE_ORDERS.length} sample orders`);
  for (const { note, body } of SAMPLE_ORDERS) {
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { orderId?: string; message?: string[] | string };
    log.print(
      'demo',
      response.ok
        ? `${note}: ${response.status} ${answer.orderId}`
        : `${note}: ${response.status} ${[answer.message].flat().join('; ')}`,
    );
  }
}
