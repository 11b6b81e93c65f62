/**
 * Builds one RecordBatch v2 for a producer. Records are encoded straight into a growable buffer
 * behind room for the 61-byte header; `build` fills in the header, compresses the records
 * section if asked and computes the CRC.
 */
import type { CompressionCodec } from '../compression/codec.js';
import { codecFor } from '../compression/codecs.js';
import { CompressionType } from '../compression/compression-type.js';
import { SamsaError } from '../errors/samsa-error.js';
import {
  BatchField,
  CONTROL_FLAG_MASK,
  CRC_START,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-layout.js';
import { crc32c } from './crc32c.js';
import type { HeaderValueInput, RecordHeadersInput, RecordInput } from './record-types.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordBatchBuilderOptions {
  compression?: CompressionType;
  /** Use this codec instead of the process-wide one for `compression` (e.g. another level). */
  codec?: CompressionCodec;
  /** -1 (no idempotence) unless set; can also be set later with `setProducerState`. */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** Control batches hold transaction markers; see buildControlBatch. */
  isControl?: boolean;
  timestampType?: TimestampType;
  /** MaxTimestamp of a LogAppendTime batch; defaults to the time of `build`. */
  logAppendTime?: number;
  /**
   * `tryAppend` refuses a record once the estimated batch size would pass this (the producer's
   * batchSize; default 16 KiB as in Kafka). The first record is always accepted, as in Kafka's
   * MemoryRecordsBuilder.
   */
  maxBatchBytes?: number;
  /**
   * Expected compressed/uncompressed size ratio, used to estimate the size of compressed
   * batches while they fill (Kafka learns it per topic; 1 assumes no compression).
   */
  estimatedCompressionRatio?: number;
  /** 0 for a producer; a broker assigns the real one with patchBaseOffset. */
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  /** Bytes to allocate up front (default: a full batch); the buffer doubles when records outgrow it. */
  initialCapacity?: number;
  /**
   * Write into this buffer instead of allocating one (a producer recycling the buffers of
   * acknowledged batches, as Java's BufferPool does); records that outgrow it move to a new one.
   */
  buffer?: Buffer;
}

/** Kafka's default producer batch.size. */
const DEFAULT_MAX_BATCH_BYTES = 16 * 1024;
/**
 * The buffer starts large enough for a full batch, as Kafka's BufferPool hands out batch.size
 * buffers: growing by doubling measured at ~40% of the encode rate for 1 MiB batches. Capped so
 * a large maxBatchBytes does not pin memory for batches that stay small.
 */
const MAX_INITIAL_CAPACITY = 4 * 1024 * 1024;
/** Kafka pads its compressed-size estimate by 5% (COMPRESSION_RATE_ESTIMATION_FACTOR). */
const ESTIMATION_FACTOR = 1.05;

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

export class RecordBatchBuilder {
  private buffer: Buffer;
  /** End of the records written so far. */
  private position = RECORD_BATCH_OVERHEAD;
  private count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = -1;
  private closed = false;
  private producerId: bigint;
  private producerEpoch: number;
  private baseSequence: number;
  private readonly attributes: number;
  private readonly codec: CompressionCodec | undefined;
  private readonly maxBatchBytes: number;
  private readonly compressionRatio: number;
  private readonly baseOffset: bigint;
  private readonly partitionLeaderEpoch: number;
  private readonly logAppendTime: number | undefined;
  // Scratch space for one record's headers, so their sizes are measured once and reused to write.
  private readonly headerKeys: string[] = [];
  private readonly headerValues: HeaderValueInput[] = [];
  private readonly headerKeyLengths: number[] = [];
  private readonly headerValueLengths: number[] = [];
  private uncompressedRecordsBytes = 0;
  private compressedRecordsBytes = 0;

  constructor(options: RecordBatchBuilderOptions = {}) {
    const compression = options.codec?.type ?? options.compression ?? CompressionType.None;
    this.codec = compression === CompressionType.None ? undefined : (options.codec ?? codecFor(compression));
    this.attributes =
      compression |
      (options.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_MASK : 0) |
      (options.transactional ? TRANSACTIONAL_FLAG_MASK : 0) |
      (options.isControl ? CONTROL_FLAG_MASK : 0);
    this.producerId = options.producerId ?? NO_PRODUCER_ID;
    this.producerEpoch = options.producerEpoch ?? NO_PRODUCER_EPOCH;
    this.baseSequence = options.baseSequence ?? NO_SEQUENCE;
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.compressionRatio = this.codec ? (options.estimatedCompressionRatio ?? 1) * ESTIMATION_FACTOR : 1;
    this.baseOffset = options.baseOffset ?? 0n;
    this.partitionLeaderEpoch = options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH;
    this.logAppendTime = options.logAppendTime;
    const fullBatch = RECORD_BATCH_OVERHEAD + Math.ceil(this.maxBatchBytes / this.compressionRatio);
    const capacity = options.initialCapacity ?? Math.min(fullBatch, MAX_INITIAL_CAPACITY);
    this.buffer =
      options.buffer && options.buffer.length >= RECORD_BATCH_OVERHEAD + 64
        ? options.buffer
        : Buffer.allocUnsafe(Math.max(RECORD_BATCH_OVERHEAD + 64, capacity));
  }

  /** The buffer records are written into (the built batch is a view of it unless compressed). */
  get backingBuffer(): Buffer {
    return this.buffer;
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count;
  }

  /** Estimated size of the finished batch in bytes (exact without compression). */
  get estimatedSizeInBytes(): number {
    return RECORD_BATCH_OVERHEAD + Math.ceil((this.position - RECORD_BATCH_OVERHEAD) * this.compressionRatio);
  }

  /** Compressed/uncompressed size of the records section of the built batch (1 before `build`). */
  get actualCompressionRatio(): number {
    return this.uncompressedRecordsBytes === 0
      ? 1
      : this.compressedRecordsBytes / this.uncompressedRecordsBytes;
  }

  /** Sets the idempotence fields; producers assign the sequence when the batch is drained. */
  setProducerState(producerId: bigint, producerEpoch: number, baseSequence: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
  }

  /**
   * Appends `record` unless the batch would then be estimated above `maxBatchBytes`, in which
   * case nothing is written and false is returned: the caller starts a new batch.
   */
  tryAppend(record: RecordInput): boolean {
    return this.appendRecord(record, true);
  }

  /** Appends `record` regardless of `maxBatchBytes`. */
  append(record: RecordInput): void {
    this.appendRecord(record, false);
  }

  private appendRecord(record: RecordInput, respectLimit: boolean): boolean {
    if (this.closed)
      throw new SamsaError(
        'BATCH_CLOSED',
        'this record batch was already built; start a new RecordBatchBuilder',
      );
    const timestamp = record.timestamp ?? Date.now();
    if (this.count === 0) this.baseTimestamp = timestamp;
    const timestampDelta = timestamp - this.baseTimestamp;
    const offsetDelta = this.count;
    const key = record.key ?? null;
    const value = record.value;
    const keyLength = key === null ? -1 : byteLength(key);
    const valueLength = value === null ? -1 : byteLength(value);
    const headerCount = this.collectHeaders(record.headers);

    let bodySize =
      1 + // attributes
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      sizeOfVarint(keyLength) +
      Math.max(keyLength, 0) +
      sizeOfVarint(valueLength) +
      Math.max(valueLength, 0) +
      sizeOfVarint(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const keyBytes = this.headerKeyLengths[i];
      const valueBytes = this.headerValueLengths[i];
      bodySize += sizeOfVarint(keyBytes) + keyBytes + sizeOfVarint(valueBytes) + Math.max(valueBytes, 0);
    }
    const recordSize = sizeOfVarint(bodySize) + bodySize;

    if (respectLimit && this.count > 0) {
      const estimated =
        RECORD_BATCH_OVERHEAD +
        Math.ceil((this.position - RECORD_BATCH_OVERHEAD + recordSize) * this.compressionRatio);
      if (estimated > this.maxBatchBytes) return false;
    }
    this.ensureCapacity(recordSize);

    const buf = this.buffer;
    let pos = writeVarint(buf, this.position, bodySize);
    buf[pos++] = 0; // record attributes: none defined
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    pos = writeBytes(buf, pos, key, keyLength);
    pos = writeBytes(buf, pos, value, valueLength);
    pos = writeVarint(buf, pos, headerCount);
    for (let i = 0; i < headerCount; i++) {
      const keyBytes = this.headerKeyLengths[i];
      pos = writeVarint(buf, pos, keyBytes);
      pos += buf.write(this.headerKeys[i], pos, keyBytes);
      pos = writeBytes(buf, pos, this.headerValues[i], this.headerValueLengths[i]);
    }
    this.position = pos;
    this.count++;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    return true;
  }

  /** Flattens either header shape into the scratch arrays and measures it; returns the count. */
  private collectHeaders(headers: RecordHeadersInput | undefined): number {
    let n = 0;
    if (headers === undefined) return 0;
    if (Array.isArray(headers)) {
      for (const header of headers as ReadonlyArray<{ key: string; value: HeaderValueInput }>) {
        this.setHeader(n++, header.key, header.value);
      }
      return n;
    }
    const record = headers as {
      readonly [key: string]: HeaderValueInput | ReadonlyArray<Buffer | string> | undefined;
    };
    for (const key in record) {
      const value = record[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (const item of value as ReadonlyArray<Buffer | string>) this.setHeader(n++, key, item);
      } else {
        this.setHeader(n++, key, value as HeaderValueInput);
      }
    }
    return n;
  }

  private setHeader(i: number, key: string, value: HeaderValueInput): void {
    this.headerKeys[i] = key;
    this.headerValues[i] = value;
    this.headerKeyLengths[i] = Buffer.byteLength(key);
    this.headerValueLengths[i] = value === null ? -1 : byteLength(value);
  }

  private ensureCapacity(extra: number): void {
    const needed = this.position + extra;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  /**
   * Finishes the batch: one Buffer holding the header, the (compressed) records and a valid CRC,
   * with base offset 0 unless set. Compression runs on the calling thread.
   */
  build(): Buffer {
    this.close();
    if (this.codec === undefined) return this.finish(this.buffer, this.position);
    return this.assemble(this.codec.compressSync(this.buffer.subarray(RECORD_BATCH_OVERHEAD, this.position)));
  }

  /** Like `build`, but lets the codec compress large batches on the threadpool. */
  async buildAsync(): Promise<Buffer> {
    this.close();
    if (this.codec === undefined) return this.finish(this.buffer, this.position);
    return this.assemble(
      await this.codec.compress(this.buffer.subarray(RECORD_BATCH_OVERHEAD, this.position)),
    );
  }

  private close(): void {
    if (this.closed)
      throw new SamsaError(
        'BATCH_CLOSED',
        'this record batch was already built; start a new RecordBatchBuilder',
      );
    if (this.count === 0)
      throw new SamsaError('EMPTY_BATCH', 'cannot build a record batch without records; append at least one');
    this.closed = true;
    this.uncompressedRecordsBytes = this.position - RECORD_BATCH_OVERHEAD;
    this.compressedRecordsBytes = this.uncompressedRecordsBytes;
  }

  private assemble(compressed: Buffer): Buffer {
    this.compressedRecordsBytes = compressed.length;
    const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
    compressed.copy(out, RECORD_BATCH_OVERHEAD);
    return this.finish(out, out.length);
  }

  /** Writes the header into `out[0, 61)` for a batch ending at `end`, then the CRC. */
  private finish(out: Buffer, end: number): Buffer {
    const maxTimestamp =
      this.attributes & TIMESTAMP_TYPE_MASK ? (this.logAppendTime ?? Date.now()) : this.maxTimestamp;
    out.writeBigInt64BE(this.baseOffset, BatchField.baseOffset);
    out.writeInt32BE(end - LOG_OVERHEAD, BatchField.length);
    out.writeInt32BE(this.partitionLeaderEpoch, BatchField.partitionLeaderEpoch);
    out.writeInt8(CURRENT_MAGIC, BatchField.magic);
    out.writeInt16BE(this.attributes, BatchField.attributes);
    out.writeInt32BE(this.count - 1, BatchField.lastOffsetDelta);
    out.writeBigInt64BE(BigInt(this.baseTimestamp), BatchField.baseTimestamp);
    out.writeBigInt64BE(BigInt(maxTimestamp), BatchField.maxTimestamp);
    out.writeBigInt64BE(this.producerId, BatchField.producerId);
    out.writeInt16BE(this.producerEpoch, BatchField.producerEpoch);
    out.writeInt32BE(this.baseSequence, BatchField.baseSequence);
    out.writeInt32BE(this.count, BatchField.recordsCount);
    out.writeUInt32BE(crc32c(out, CRC_START, end), BatchField.crc);
    return end === out.length ? out : out.subarray(0, end);
  }
}

/** Writes varint length + bytes (or -1 for null); `length` was measured by the caller. */
function writeBytes(buf: Buffer, pos: number, value: Buffer | string | null, length: number): number {
  let p = writeVarint(buf, pos, length);
  if (value === null) return p;
  if (typeof value === 'string') {
    p += buf.write(value, p, length);
  } else {
    value.copy(buf, p);
    p += length;
  }
  return p;
}
