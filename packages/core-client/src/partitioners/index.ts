/**
 * Partitioners. The default puts keyed records where the Java client would (murmur2) and spreads
 * unkeyed records with the sticky partitioner (KIP-480/KIP-794: stay on one partition until its
 * batch closes, then move; sticky.ts), which the producer runs itself because its accumulator knows
 * when batches fill. KafkaJS-style `createPartitioner` functions work unchanged.
 */
import type { PartitionMetadata } from '../cluster/metadata.js';
import { javaPartitionForKey } from './murmur2.js';

export { javaPartitionForKey, murmur2 } from './murmur2.js';

/** The message as a partitioner sees it (KafkaJS's shape). */
export interface PartitionerMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: unknown;
  timestamp?: string | number;
}

export interface PartitionerArgs {
  topic: string;
  partitionMetadata: PartitionMetadata[];
  message: PartitionerMessage;
}

/** Returns the partition for a message; a negative number means "let the default decide". */
export type PartitionerFunction = (args: PartitionerArgs) => number;
/** KafkaJS's factory shape: `createPartitioner: Partitioners.DefaultPartitioner`. */
export type PartitionerFactory = () => PartitionerFunction;

const BUILT_IN = Symbol('samsa.builtInPartitioner');
export type BuiltInPartitionerKind = 'default' | 'roundRobin';

function keyBytes(key: Buffer | string): Buffer {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

function markBuiltIn(factory: PartitionerFactory, kind: BuiltInPartitionerKind): PartitionerFactory {
  (factory as unknown as Record<symbol, BuiltInPartitionerKind>)[BUILT_IN] = kind;
  return factory;
}

/** Which built-in partitioner a factory is, if it is one (the accumulator runs those natively). */
export function builtInKind(factory: unknown): BuiltInPartitionerKind | undefined {
  return typeof factory === 'function'
    ? (factory as unknown as Record<symbol, BuiltInPartitionerKind | undefined>)[BUILT_IN]
    : undefined;
}

/**
 * Standalone function form of the default: keyed → murmur2 like Java, unkeyed → round-robin
 * (the producer replaces that with sticky partitioning; this form is for use outside it).
 */
const defaultPartitioner: PartitionerFactory = markBuiltIn(() => {
  let counter = Math.floor(Math.random() * 0x7fffffff);
  return ({ partitionMetadata, message }) => {
    const n = partitionMetadata.length;
    if (message.key != null) return javaPartitionForKey(keyBytes(message.key), n);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    return pool[counter++ % pool.length].partition;
  };
}, 'default');

/** Every record, keyed or not, to the next partition in turn. */
const roundRobinPartitioner: PartitionerFactory = markBuiltIn(() => {
  let counter = Math.floor(Math.random() * 0x7fffffff);
  return ({ partitionMetadata }) => {
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const pool = available.length > 0 ? available : partitionMetadata;
    return pool[counter++ % pool.length].partition;
  };
}, 'roundRobin');

export const Partitioners = {
  /** Java's default: murmur2 for keys (same partition as Java/librdkafka murmur2/KafkaJS), sticky when unkeyed. */
  DefaultPartitioner: defaultPartitioner,
  /** KafkaJS's name for the same thing. */
  JavaCompatiblePartitioner: defaultPartitioner,
  RoundRobinPartitioner: roundRobinPartitioner,
} as const;
