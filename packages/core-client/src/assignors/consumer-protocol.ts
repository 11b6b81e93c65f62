/**
 * ConsumerProtocolSubscription / ConsumerProtocolAssignment (versions 0-3), the bytes consumers put in
 * JoinGroup metadata and SyncGroup assignments. The layout matches Apache Kafka's
 * `ConsumerProtocol` exactly: an int16 version, then the non-flexible struct of that version, so a
 * group can mix Samsa with Java, librdkafka and KafkaJS members. Like Java, a newer version than we
 * know is parsed with the newest layout we know (fields are only ever appended).
 */
import { ProtocolDecodeError, Reader, Writer } from '@samsa/protocol/on-demand';
import type { TopicPartitions } from './types.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';
export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

export interface ConsumerSubscription {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export interface DecodedSubscription extends ConsumerSubscription {
  version: number;
}

export interface ConsumerAssignment {
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

export interface DecodedAssignment extends ConsumerAssignment {
  version: number;
}

function writeTopicPartitions(w: Writer, list: readonly TopicPartitions[]): void {
  w.int32(list.length);
  for (const tp of list) {
    w.string(tp.topic);
    w.int32(tp.partitions.length);
    for (const p of tp.partitions) w.int32(p);
  }
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = r.arrayLength(false);
  if (n < 0) return [];
  const out: TopicPartitions[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const count = r.arrayLength(false);
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.int32());
    out[i] = { topic, partitions };
  }
  return out;
}

function checkVersion(version: number, what: string): void {
  if (!Number.isInteger(version) || version < 0 || version > 0x7fff) {
    throw new RangeError(`${what} version must be an int16 >= 0, got ${version}`);
  }
}

export function encodeSubscription(
  subscription: ConsumerSubscription,
  version: number = CONSUMER_PROTOCOL_MAX_VERSION,
): Buffer {
  checkVersion(version, 'ConsumerProtocolSubscription');
  const w = new Writer(64);
  w.int16(version);
  const layout = Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION);
  w.int32(subscription.topics.length);
  for (const t of subscription.topics) w.string(t);
  w.nullableBytes(subscription.userData);
  if (layout >= 1) writeTopicPartitions(w, subscription.ownedPartitions);
  if (layout >= 2) w.int32(subscription.generationId);
  if (layout >= 3) w.nullableString(subscription.rackId);
  return w.toBuffer();
}

/**
 * Decodes a member's subscription. Fields a version announces but the bytes leave out are taken at
 * their defaults (some clients stop after `topics`), rather than failing the whole rebalance.
 */
export function decodeSubscription(bytes: Buffer): DecodedSubscription {
  const r = new Reader(bytes);
  try {
    const version = r.int16();
    if (version < 0) throw new ProtocolDecodeError(`unsupported consumer subscription version ${version}`, 0);
    const topicCount = r.arrayLength(false);
    const topics: string[] = [];
    for (let i = 0; i < topicCount; i++) topics.push(r.string());
    const userData = r.remaining >= 4 ? r.nullableBytes() : null;
    const ownedPartitions = version >= 1 && r.remaining >= 4 ? readTopicPartitions(r) : [];
    const generationId = version >= 2 && r.remaining >= 4 ? r.int32() : -1;
    const rackId = version >= 3 && r.remaining >= 2 ? r.nullableString() : null;
    return { version, topics, userData, ownedPartitions, generationId, rackId };
  } catch (err) {
    throw wrapDecode('ConsumerProtocolSubscription', err);
  }
}

export function encodeAssignment(
  assignment: ConsumerAssignment,
  version: number = CONSUMER_PROTOCOL_MAX_VERSION,
): Buffer {
  checkVersion(version, 'ConsumerProtocolAssignment');
  const w = new Writer(64);
  w.int16(version);
  writeTopicPartitions(w, assignment.assignedPartitions);
  w.nullableBytes(assignment.userData);
  return w.toBuffer();
}

/** Decodes an assignment; an empty buffer (a leader that had nothing for us) is an empty assignment. */
export function decodeAssignment(bytes: Buffer): DecodedAssignment {
  if (bytes.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new Reader(bytes);
  try {
    const version = r.int16();
    if (version < 0) throw new ProtocolDecodeError(`unsupported consumer assignment version ${version}`, 0);
    const assignedPartitions = readTopicPartitions(r);
    const userData = r.remaining >= 4 ? r.nullableBytes() : null;
    return { version, assignedPartitions, userData };
  } catch (err) {
    throw wrapDecode('ConsumerProtocolAssignment', err);
  }
}

function wrapDecode(what: string, err: unknown): Error {
  if (err instanceof ProtocolDecodeError) {
    return new ProtocolDecodeError(`malformed ${what} from a group member: ${err.message}`, undefined, {
      cause: err,
      reason: err.reason,
    });
  }
  return err as Error;
}

/** Groups partitions by topic, topics and partitions sorted, for stable encodings. */
export function toTopicPartitions(byTopic: ReadonlyMap<string, readonly number[]>): TopicPartitions[] {
  const out: TopicPartitions[] = [];
  for (const topic of [...byTopic.keys()].sort()) {
    const partitions = byTopic.get(topic)!;
    if (partitions.length === 0) continue;
    out.push({ topic, partitions: [...partitions].sort((a, b) => a - b) });
  }
  return out;
}
