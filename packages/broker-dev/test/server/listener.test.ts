/**
 * Kafka's connection limits per broker: max.connections and max.connections.per.ip. Connections over a
 * limit are closed at once; the broker keeps serving the others and accepts again once one leaves.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await broker?.stop();
  broker = undefined;
});

async function answers(client: RawClient): Promise<boolean> {
  try {
    const response = await client.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'limits-test',
      clientSoftwareVersion: '1',
    });
    return response.errorCode === 0;
  } catch {
    return false;
  }
}

/** A connection to broker `index` that answers ApiVersions (the broker kept it). */
async function served(index = 0): Promise<RawClient> {
  const client = await RawClient.connect(broker!.bootstrap[index]);
  clients.push(client);
  expect(await answers(client)).toBe(true);
  return client;
}

/** A connection that the broker closes without answering. */
async function refused(index = 0): Promise<void> {
  const client = await RawClient.connect(broker!.bootstrap[index]);
  clients.push(client);
  await client.closed;
  expect(client.isOpen).toBe(false);
}

/** Once a connection left, a new one is served (the broker learns of the close asynchronously). */
async function servedAgain(index = 0): Promise<void> {
  await waitFor('a new connection to be served', async () => {
    const client = await RawClient.connect(broker!.bootstrap[index]);
    clients.push(client);
    return answers(client);
  });
}

describe.each<[string, BrokerOptions]>([
  ['max.connections', { maxConnections: 2 }],
  ['max.connections.per.ip', { maxConnectionsPerIp: 2 }],
])('%s', (_name, limits) => {
  it('closes connections over the limit and accepts again once one leaves', async () => {
    broker = await startBroker(limits);
    const first = await served();
    await served();
    await refused();
    await refused();
    first.close();
    await servedAgain();
  });
});

describe('limits per broker', () => {
  it('count each broker of a cluster on its own', async () => {
    broker = await startBroker({ brokers: 2, maxConnections: 1 });
    await served(0);
    await served(1);
    await refused(0);
    await refused(1);
  });
});
