/** ListTransactions over the wire (KIP-664, v1 DurationFilter of KIP-994), per coordinating broker. */
import { ApiKey } from '@samsa/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { addPartitions, initTransactions } from '../helpers/transactions.js';

let broker: RunningBroker;
const clients: RawClient[] = [];
const IDS = ['lt-a', 'lt-b', 'lt-c', 'lt-d', 'lt-e', 'lt-f'];

beforeAll(async () => {
  broker = await startBroker({ brokers: 2 });
  for (const address of broker.bootstrap) clients.push(await RawClient.connect(address));
  await createTopic(clients[0], 'lt', 1);
  for (const id of IDS) {
    const home = clients[broker.control.coordinatorOf(id) - 1];
    const p = await initTransactions(home, id);
    if (id < 'lt-d') await addPartitions(home, p, [{ name: 'lt', partitions: [0] }]);
  }
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.stop();
});

async function listAll(
  body: { stateFilters?: string[]; producerIdFilters?: bigint[]; durationFilter?: bigint },
  version = 1,
) {
  const listed: string[] = [];
  const unknown = new Set<string>();
  for (const [index, client] of clients.entries()) {
    const response = await client.request(ApiKey.ListTransactions, version, {
      stateFilters: body.stateFilters ?? [],
      producerIdFilters: body.producerIdFilters ?? [],
      durationFilter: body.durationFilter ?? -1n,
    });
    for (const s of response.unknownStateFilters) unknown.add(s);
    for (const t of response.transactionStates) {
      // Each broker lists only the ids it coordinates.
      expect(broker.control.coordinatorOf(t.transactionalId)).toBe(index + 1);
      listed.push(`${t.transactionalId}:${t.transactionState}`);
    }
  }
  return { listed: listed.sort(), unknown: [...unknown] };
}

it('lists every id once across the brokers, filtered by state (v0 and v1)', async () => {
  expect((await listAll({}, 0)).listed).toEqual([
    'lt-a:Ongoing',
    'lt-b:Ongoing',
    'lt-c:Ongoing',
    'lt-d:Empty',
    'lt-e:Empty',
    'lt-f:Empty',
  ]);
  expect(await listAll({ stateFilters: ['Empty', 'Hanging'] })).toEqual({
    listed: ['lt-d:Empty', 'lt-e:Empty', 'lt-f:Empty'],
    unknown: ['Hanging'],
  });
});

it('filters by producer id and by how long the transaction has been running', async () => {
  const described = await clients[broker.control.coordinatorOf('lt-b') - 1].request(
    ApiKey.DescribeTransactions,
    0,
    {
      transactionalIds: ['lt-b'],
    },
  );
  const producerId = described.transactionStates[0].producerId;
  expect((await listAll({ producerIdFilters: [producerId] })).listed).toEqual(['lt-b:Ongoing']);
  expect((await listAll({ stateFilters: ['Ongoing'], durationFilter: 3_600_000n })).listed).toEqual([]);
  // Running for "longer than 0 ms" needs the clock to have moved since the transactions started.
  await new Promise((resolve) => setTimeout(resolve, 5));
  expect((await listAll({ stateFilters: ['Ongoing'], durationFilter: 0n })).listed).toHaveLength(3);
});
