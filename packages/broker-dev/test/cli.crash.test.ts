/**
 * Crash safety of the CLI with --data-dir: SIGKILL during a produce load, restart, and every
 * record acknowledged with acks=all is there at its offset; offsets stay contiguous.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@samsa/test-support';
import { buildBatch, readRecords } from '@samsa/test-support/record-batches';
import { expect, it } from 'vitest';
import { startCli } from './helpers/cli.js';
import { createTopic, fetchRequestBody } from './helpers/kafka.js';
import { RawClient } from './helpers/raw-client.js';

const PARTITIONS = 2;
const IN_FLIGHT = 16;
const KILL_AFTER_ACKS = 400;

it('keeps every acknowledged record across kill -9', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-crash-'));
  const acked = new Map<number, Map<number, string>>(); // partition -> offset -> value
  for (let p = 0; p < PARTITIONS; p++) acked.set(p, new Map());
  const first = await startCli(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
  let killed = false;
  try {
    const client = await RawClient.connect(first.bootstrap[0]);
    await createTopic(client, 'crash', PARTITIONS);
    let next = 0;
    let acks = 0;
    const sendOne = async (): Promise<void> => {
      while (!killed) {
        const seq = next++;
        const partition = seq % PARTITIONS;
        const count = 1 + (seq % 20);
        const padding = 'p'.repeat((seq * 7919) % 30_000);
        const records = Array.from({ length: count }, (_, i) => ({
          key: `k${seq}`,
          value: `${seq}-${i}-${padding}`,
        }));
        let response: Awaited<ReturnType<typeof client.request<0>>>;
        try {
          response = await client.request(0, 9, {
            transactionalId: null,
            acks: -1,
            timeoutMs: 5000,
            topicData: [
              { name: 'crash', partitionData: [{ index: partition, records: buildBatch(records) }] },
            ],
          });
        } catch {
          return; // the broker died with this request in flight: not acknowledged
        }
        const result = response.responses[0].partitionResponses[0];
        expect(result.errorCode).toBe(0);
        const base = Number(result.baseOffset);
        records.forEach((r, i) => {
          acked.get(partition)!.set(base + i, r.value);
        });
        acks++;
        if (acks === KILL_AFTER_ACKS && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sendOne));
    client.close();
  } finally {
    await first.stop('SIGKILL');
  }
  expect(first.child.signalCode).toBe('SIGKILL');

  const second = await startCli(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
  try {
    const client = await RawClient.connect(second.bootstrap[0]);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const stored = new Map<number, string>();
      let offset = 0;
      let highWatermark = -1;
      await waitFor(
        `partition ${partition} to be read back`,
        async () => {
          const response = await client.request(
            1,
            11,
            fetchRequestBody('crash', [{ partition, offset, maxBytes: 8 << 20 }], { maxBytes: 8 << 20 }),
          );
          const p = response.responses[0].partitions[0];
          expect(p.errorCode).toBe(0);
          highWatermark = Number(p.highWatermark);
          for (const r of readRecords(p.records)) if (r.offset >= offset) stored.set(r.offset, r.value!);
          offset = stored.size === 0 ? 0 : Math.max(...stored.keys()) + 1;
          return offset >= highWatermark;
        },
        { timeoutMs: 60_000 },
      );
      // Contiguous offsets 0..HWM-1, and everything acknowledged is there unchanged.
      expect(stored.size).toBe(highWatermark);
      for (let o = 0; o < highWatermark; o++) expect(stored.has(o)).toBe(true);
      for (const [o, value] of acked.get(partition)!) expect(stored.get(o)).toBe(value);
      expect(highWatermark).toBeGreaterThanOrEqual(acked.get(partition)!.size);
    }
    client.close();
  } finally {
    await second.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
