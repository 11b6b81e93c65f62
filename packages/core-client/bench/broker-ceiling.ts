/**
 * How fast the broker absorbs Produce requests when the client does no per-record work: prebuilt
 * RecordBatch buffers (1 KB records) sent with 5 requests in flight for `seconds`. If a client's
 * MB/s is close to this, the broker is the bottleneck, not the client.
 */

import { RecordBatchBuilder } from '@samsa/protocol';
import { Cluster } from '../src/cluster/cluster.js';
import { nullLogger } from '../src/logger.js';

export async function brokerCeiling(
  bootstrap: string[],
  topic: string,
  batchBytes = 256 * 1024,
  seconds = 2,
): Promise<{ bytesPerSec: number; requestsPerSec: number; batchBytes: number }> {
  const cluster = new Cluster({ brokers: bootstrap, logger: nullLogger });
  await cluster.connect();
  await cluster.metadata.refresh([topic]);
  const builder = new RecordBatchBuilder({ maxBatchBytes: batchBytes * 2 });
  const value = Buffer.alloc(1024, 120);
  while (builder.estimatedSizeInBytes < batchBytes) builder.append({ value, timestamp: Date.now() });
  const records = builder.build();
  const partitions = cluster.metadata.topic(topic)!.partitions;
  let requests = 0;
  const deadline = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 5 }, async (_, lane) => {
      const p = partitions[lane % partitions.length];
      while (Date.now() < deadline) {
        await cluster.request(
          p.leader,
          0,
          () => ({
            transactionalId: null,
            acks: 1,
            timeoutMs: 30_000,
            topicData: [{ name: topic, partitionData: [{ index: p.partition, records }] }],
          }),
          { purpose: 'produce' },
        );
        requests++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await cluster.disconnect();
  return {
    bytesPerSec: (requests * records.length) / secs,
    requestsPerSec: requests / secs,
    batchBytes: records.length,
  };
}
