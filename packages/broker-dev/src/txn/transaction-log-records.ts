/**
 * The records of the transaction state log in Kafka's layout (`__transaction_state`,
 * TransactionLogKey.json / TransactionLogValue.json): a version-prefixed key holding the
 * transactional id and a version-prefixed value holding the id's state; a null value is the
 * tombstone of an expired id. Values are written as v1 (flexible, with PreviousProducerId as a
 * tagged field, what Kafka writes from transaction.version 1 on); v0 and v1 are read.
 */
import { Reader, Writer } from '@samsa/protocol';
import {
  TRANSACTION_STATE_IDS,
  type TransactionState,
  transactionStateFromId,
} from './transaction-metadata.js';

const KEY_VERSION = 0;
const VALUE_VERSION = 1;
const FIRST_FLEXIBLE_VALUE_VERSION = 1;
const NO_PRODUCER_ID = -1;

const TAG_PREVIOUS_PRODUCER_ID = 0;
const TAG_NEXT_PRODUCER_ID = 1;

/** TransactionLogValue as stored. */
export interface TransactionLogValue {
  producerId: number;
  previousProducerId: number;
  /** Only used by transaction version 2; kept when read so nothing is lost on a rewrite. */
  nextProducerId: number;
  producerEpoch: number;
  timeoutMs: number;
  state: TransactionState;
  partitions: { topic: string; partitions: number[] }[];
  lastUpdateTimestamp: number;
  startTimestamp: number;
}

/** A record of the log that cannot be read (unknown version or garbage). */
export class TransactionLogRecordError extends Error {
  override readonly name = 'TransactionLogRecordError';
}

export function encodeTransactionLogKey(transactionalId: string): Buffer {
  const w = new Writer(8 + transactionalId.length * 3);
  w.int16(KEY_VERSION);
  w.string(transactionalId);
  return w.toBuffer();
}

export function decodeTransactionLogKey(key: Buffer): string {
  const r = new Reader(key);
  const version = r.int16();
  if (version !== KEY_VERSION)
    throw new TransactionLogRecordError(`Unknown TransactionLogKey version ${version}.`);
  return r.string();
}

export function encodeTransactionLogValue(value: TransactionLogValue): Buffer {
  const w = new Writer(64);
  w.int16(VALUE_VERSION);
  w.int64(value.producerId);
  w.int16(value.producerEpoch);
  w.int32(value.timeoutMs);
  w.int8(TRANSACTION_STATE_IDS[value.state]);
  // Kafka writes a null partition list for Empty.
  const partitions = value.state === 'Empty' ? null : value.partitions;
  w.arrayLength(partitions === null ? null : partitions.length, true);
  for (const { topic, partitions: ids } of partitions ?? []) {
    w.compactString(topic);
    w.arrayLength(ids.length, true);
    for (const id of ids) w.int32(id);
    w.uvarint(0); // no tagged fields
  }
  w.int64(value.lastUpdateTimestamp);
  w.int64(value.startTimestamp);
  const tags: [number, (w: Writer) => void, number][] = [];
  if (value.previousProducerId !== NO_PRODUCER_ID)
    tags.push([TAG_PREVIOUS_PRODUCER_ID, (t) => t.int64(value.previousProducerId), 8]);
  if (value.nextProducerId !== NO_PRODUCER_ID)
    tags.push([TAG_NEXT_PRODUCER_ID, (t) => t.int64(value.nextProducerId), 8]);
  w.uvarint(tags.length);
  for (const [tag, write, size] of tags) {
    w.uvarint(tag);
    w.uvarint(size);
    write(w);
  }
  return w.toBuffer();
}

export function decodeTransactionLogValue(buffer: Buffer): TransactionLogValue {
  const r = new Reader(buffer);
  const version = r.int16();
  if (version < 0 || version > VALUE_VERSION) {
    throw new TransactionLogRecordError(`Unknown TransactionLogValue version ${version}.`);
  }
  const flexible = version >= FIRST_FLEXIBLE_VALUE_VERSION;
  const producerId = Number(r.int64());
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const stateId = r.int8();
  const state = transactionStateFromId(stateId);
  if (!state) throw new TransactionLogRecordError(`Unknown transaction state id ${stateId}.`);
  const count = r.arrayLength(flexible);
  const partitions: TransactionLogValue['partitions'] = [];
  for (let i = 0; i < count; i++) {
    const topic = flexible ? r.compactString() : r.string();
    const ids: number[] = [];
    const idCount = r.arrayLength(flexible);
    for (let j = 0; j < idCount; j++) ids.push(r.int32());
    if (flexible) skipTaggedFields(r);
    partitions.push({ topic, partitions: ids });
  }
  const lastUpdateTimestamp = Number(r.int64());
  const startTimestamp = Number(r.int64());
  let previousProducerId = NO_PRODUCER_ID;
  let nextProducerId = NO_PRODUCER_ID;
  if (flexible) {
    const tagCount = r.uvarint();
    for (let i = 0; i < tagCount; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const field = r.sub(size);
      r.seek(r.pos + size);
      if (tag === TAG_PREVIOUS_PRODUCER_ID) previousProducerId = Number(field.int64());
      else if (tag === TAG_NEXT_PRODUCER_ID) nextProducerId = Number(field.int64());
      // ClientTransactionVersion (tag 2) and unknown tags carry nothing this coordinator uses.
    }
  }
  return {
    producerId,
    previousProducerId,
    nextProducerId,
    producerEpoch,
    timeoutMs,
    state,
    partitions,
    lastUpdateTimestamp,
    startTimestamp,
  };
}

function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    const size = r.uvarint();
    r.seek(r.pos + size);
  }
}
