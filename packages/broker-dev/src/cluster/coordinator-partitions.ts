/**
 * Which partition of Kafka's internal coordinator topics a group id (`__consumer_offsets`) or a
 * transactional id (`__transaction_state`) belongs to: Utils.abs(key.hashCode()) % 50, with Java's
 * String.hashCode. The partition decides the coordinator broker and, for AddOffsetsToTxn, which
 * offsets partition joins a transaction.
 */

/** offsets.topic.num.partitions and transaction.state.log.num.partitions (both 50 by default). */
export const COORDINATOR_PARTITIONS = 50;

/** Java's String.hashCode. */
export function javaStringHash(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  return hash;
}

export function coordinatorPartition(key: string): number {
  const hash = javaStringHash(key);
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0.
  return (hash === -0x80000000 ? 0 : Math.abs(hash)) % COORDINATOR_PARTITIONS;
}
