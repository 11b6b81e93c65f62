/**
 * Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), byte for byte: keyed records
 * land in the partition the Java client (and librdkafka's murmur2 partitioner, and KafkaJS's
 * JavaCompatiblePartitioner) picks: `(murmur2(keyBytes) & 0x7fffffff) % numPartitions`.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** The signed 32-bit hash Java returns. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive(murmur2(key)) % numPartitions`. */
export function javaPartitionForKey(key: Uint8Array, numPartitions: number): number {
  return (murmur2(key) & 0x7fffffff) % numPartitions;
}
