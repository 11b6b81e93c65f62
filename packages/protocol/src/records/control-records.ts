/**
 * Control records: the transaction markers a coordinator writes to end a transaction
 * (ControlRecordType.java, EndTransactionMarker.java). A control batch holds one record whose
 * key is `Version int16 | Type int16` and, for ABORT/COMMIT, whose value is
 * `Version int16 | CoordinatorEpoch int32`.
 */
import { ProtocolDecodeError, SamsaError } from '../errors/samsa-error.js';
import { decodeRecords } from './decode-records.js';
import { RecordBatchBuilder } from './record-batch-builder.js';
import { type RecordBatchView, toBatchView } from './record-batch-view.js';
import type { DecodeRecordsOptions } from './records-section.js';

/** Control record types by id; 2-6 are KRaft's own and appear only in the metadata log. */
const CONTROL_TYPES = [
  'ABORT',
  'COMMIT',
  'LEADER_CHANGE',
  'SNAPSHOT_HEADER',
  'SNAPSHOT_FOOTER',
  'KRAFT_VERSION',
  'KRAFT_VOTERS',
] as const;

/** The 61-byte header and one 17-byte record (4-byte key, 6-byte value, no headers). */
const CONTROL_BATCH_SIZE = 61 + 17;

export type ControlRecordType = (typeof CONTROL_TYPES)[number] | 'UNKNOWN';

export interface ControlRecord {
  type: ControlRecordType;
  /** The numeric type from the record key. */
  typeId: number;
  /** Version of the control key. */
  version: number;
  /** For ABORT/COMMIT: the epoch of the coordinator that wrote the marker. */
  coordinatorEpoch?: number;
  offset: bigint;
  timestamp: number;
}

export interface TransactionMarkerOptions {
  type: 'COMMIT' | 'ABORT';
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Defaults to now. */
  timestamp?: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** Builds the one-record control batch that commits or aborts a producer's transaction. */
export function buildControlBatch(options: TransactionMarkerOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(options.type === 'ABORT' ? 0 : 1, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(options.coordinatorEpoch, 2);
  const builder = new RecordBatchBuilder({
    isControl: true,
    transactional: true,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseOffset: options.baseOffset,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    initialCapacity: CONTROL_BATCH_SIZE,
  });
  builder.append({ key, value, timestamp: options.timestamp });
  return builder.build();
}

/** Reads the control record of a control batch (throws if `batch` is not one). */
export function readControlRecord(
  batch: Buffer | RecordBatchView,
  options?: DecodeRecordsOptions,
): ControlRecord {
  const view = toBatchView(batch);
  if (!view.isControl)
    throw new SamsaError(
      'NOT_A_CONTROL_BATCH',
      'readControlRecord needs a control batch (attributes bit 5 set)',
    );
  const [record] = decodeRecords(view, options);
  if (record === undefined)
    throw new ProtocolDecodeError('control batch holds no record', undefined, { reason: 'INVALID_RECORD' });
  if (record.key === null || record.key.length < 4) {
    throw new ProtocolDecodeError('control record key is shorter than 4 bytes', undefined, {
      reason: 'INVALID_RECORD',
    });
  }
  const version = record.key.readInt16BE(0);
  const typeId = record.key.readInt16BE(2);
  const type: ControlRecordType = CONTROL_TYPES[typeId] ?? 'UNKNOWN';
  const control: ControlRecord = {
    type,
    typeId,
    version,
    offset: record.offset,
    timestamp: record.timestamp,
  };
  if (type === 'ABORT' || type === 'COMMIT') {
    if (record.value === null || record.value.length < 6) {
      throw new ProtocolDecodeError('transaction marker value is shorter than 6 bytes', undefined, {
        reason: 'INVALID_RECORD',
      });
    }
    control.coordinatorEpoch = record.value.readInt32BE(2);
  }
  return control;
}
