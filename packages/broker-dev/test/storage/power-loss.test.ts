/**
 * Durability across a power loss, simulated in-process: node:fs is wrapped (power-loss-fs.ts) so the test
 * knows what each file held at its last fsync, and a "crash" copies only that into a new data directory,
 * where a new broker starts. With --sync-writes every acknowledged batch was synced before its
 * acknowledgement left and survives; with flush.messages what was synced survives; by default (fsync on
 * roll and stop only) the model loses acknowledged records, which is what the README says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@samsa/test-support';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRecords, produce, values } from '../helpers/kafka.js';
import type { SyncTracker } from '../helpers/power-loss-fs.js';
import { RawClient } from '../helpers/raw-client.js';

const fsState = vi.hoisted(() => ({ tracker: undefined as SyncTracker | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const { SyncTracker, trackingFs } = await import('../helpers/power-loss-fs.js');
  fsState.tracker = new SyncTracker(real);
  return trackingFs(real, fsState.tracker);
});

let root: string;
const brokers: RunningBroker[] = [];
const clients: RawClient[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'samsa-power-loss-'));
  fsState.tracker!.track(path.join(root, 'before'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const broker of brokers.splice(0)) await broker.stop();
  rmSync(root, { recursive: true, force: true });
});

async function brokerOn(dataDir: string, options: BrokerOptions = {}): Promise<RawClient> {
  const broker = await startBroker({ dataDir, ...options });
  brokers.push(broker);
  const client = await RawClient.connect(broker.bootstrap[0]);
  clients.push(client);
  return client;
}

/** Bytes of the topic's segment files that a power loss would lose now. */
function unsynced(topic: string): number {
  const tracker = fsState.tracker!;
  const dir = path.join(root, 'before', `${topic}-0`);
  return tracker.files(dir, '.log').reduce((sum, file) => sum + tracker.unsyncedBytes(file), 0);
}

/** Cuts the power: a new broker starts on what the last fsyncs left, and reads the topic back. */
async function afterPowerLoss(topic: string): Promise<string[]> {
  const survivors = path.join(root, 'after');
  fsState.tracker!.survivors(survivors);
  const client = await brokerOn(survivors);
  return values((await fetchRecords(client, topic, 0, 0)).records) as string[];
}

describe('--sync-writes', () => {
  it('syncs every acknowledged batch before its acknowledgement, and all of them survive a power loss', async () => {
    const client = await brokerOn(path.join(root, 'before'), { syncWrites: true });
    await createTopic(client, 'synced', 1);
    const port = Number(brokers[0].bootstrap[0].split(':')[1]);
    // What a power loss would lose at the moment the broker writes each response to its socket.
    const lostAtResponse: number[] = [];
    const write = Socket.prototype.write;
    Socket.prototype.write = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === port) lostAtResponse.push(unsynced('synced'));
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof write;
    const acknowledged: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const fsyncs = fsState.tracker!.fsyncs;
        const value = `record-${i}`;
        const result = await produce(client, 'synced', 0, [{ key: 'k', value }], {
          acks: i % 2 === 0 ? 1 : -1,
        });
        expect(result.errorCode).toBe(0);
        acknowledged.push(value);
        expect(fsState.tracker!.fsyncs).toBeGreaterThan(fsyncs);
      }
    } finally {
      Socket.prototype.write = write;
    }
    expect(lostAtResponse.length).toBeGreaterThanOrEqual(30);
    expect(lostAtResponse.every((bytes) => bytes === 0)).toBe(true);
    expect(await afterPowerLoss('synced')).toEqual(acknowledged);
  });
});

describe('flush.messages', () => {
  it('keeps what the last fsync covered: every third record here', async () => {
    const client = await brokerOn(path.join(root, 'before'));
    await createTopic(client, 'every-third', 1, { 'flush.messages': '3' });
    for (let i = 0; i < 7; i++) {
      expect((await produce(client, 'every-third', 0, [{ key: 'k', value: `record-${i}` }])).errorCode).toBe(
        0,
      );
      expect(unsynced('every-third') === 0, `record ${i}`).toBe(i % 3 === 2);
    }
    expect(await afterPowerLoss('every-third')).toEqual([0, 1, 2, 3, 4, 5].map((i) => `record-${i}`));
  });
});

describe('flush.ms', () => {
  it('the broker syncs unsynced appends once flush.ms passed, without further writes', async () => {
    const client = await brokerOn(path.join(root, 'before'), { logFlushSchedulerIntervalMs: 10 });
    await createTopic(client, 'timed', 1, { 'flush.ms': '50' });
    expect((await produce(client, 'timed', 0, [{ key: 'k', value: 'later-synced' }])).errorCode).toBe(0);
    await waitFor('the flusher to sync the append', () => unsynced('timed') === 0);
    expect(await afterPowerLoss('timed')).toEqual(['later-synced']);
  });
});

describe('default durability', () => {
  it('acknowledged but unsynced records are lost in a power loss (fsync only on roll and stop)', async () => {
    const client = await brokerOn(path.join(root, 'before'));
    await createTopic(client, 'unsynced', 1);
    for (let i = 0; i < 5; i++) {
      expect((await produce(client, 'unsynced', 0, [{ key: 'k', value: `record-${i}` }])).errorCode).toBe(0);
    }
    expect(unsynced('unsynced')).toBeGreaterThan(0);
    expect(await afterPowerLoss('unsynced')).toEqual([]);
  });
});
