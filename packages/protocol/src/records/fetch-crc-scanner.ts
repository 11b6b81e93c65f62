/**
 * Checks the CRCs of a Fetch response's record batches while its frame is still arriving, so each
 * batch is checksummed while its bytes are in the CPU cache, just written by the socket read.
 *
 * A consumer otherwise checks a batch when it delivers it: by then the whole response (megabytes)
 * and often the next one have been read, and the CRC has to fetch every byte from memory again.
 *
 * The scanner walks the response layout (Fetch v12+, the flexible versions) as far as the bytes
 * received allow, and remembers the start of every batch whose CRC matched. It only ever vouches for
 * a batch it checksummed itself, over the range that batch's own length field gives, so whoever
 * frames a batch at the same position later gets the same answer: `crcCheckedOnArrival(batch)`.
 * Anything it does not understand (another version, a layout it cannot follow) stops the scan,
 * and those batches are checked on delivery as before.
 */
import { BatchField, CRC_START, CURRENT_MAGIC, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from './batch-layout.js';
import { crc32c } from './crc32c.js';

/** First Fetch version with the flexible (compact) encoding this scanner reads. */
const FIRST_FLEXIBLE_VERSION = 12;
/** Fetch v13 replaced topic names by topic ids. */
const FIRST_TOPIC_ID_VERSION = 13;
const UUID_BYTES = 16;
/** PartitionIndex, ErrorCode, HighWatermark, LastStableOffset, LogStartOffset. */
const PARTITION_HEAD_BYTES = 4 + 2 + 8 + 8 + 8;
/** ProducerId and FirstOffset of an aborted transaction (then its tagged fields). */
const ABORTED_TXN_BYTES = 16;
/** ThrottleTimeMs, ErrorCode, SessionId. */
const RESPONSE_HEAD_BYTES = 4 + 2 + 4;
const CORRELATION_ID_BYTES = 4;

/** Batches whose CRC was checked on arrival, by the memory holding their frame. */
const checked = new WeakMap<ArrayBufferLike, Set<number>>();

/** Whether `batch` (a view of a scanned frame) had its CRC checked, and matching, as it arrived. */
export function crcCheckedOnArrival(batch: Uint8Array): boolean {
  return checked.get(batch.buffer)?.has(batch.byteOffset) === true;
}

const NEED_MORE = -1;

type Step =
  | 'header'
  | 'topics'
  | 'topic'
  | 'partitions'
  | 'partition'
  | 'aborted'
  | 'records'
  | 'batches'
  | 'partitionTags'
  | 'topicTags'
  | 'done';

export class FetchCrcScanner {
  private pos = 0;
  private step: Step = 'header';
  private topicsLeft = 0;
  private partitionsLeft = 0;
  private abortedLeft = 0;
  private recordsEnd = 0;
  private readonly starts = new Set<number>();

  /** Null for versions it cannot read (the batches are then checked on delivery). */
  static forVersion(version: number, frame: Buffer): FetchCrcScanner | null {
    return version >= FIRST_FLEXIBLE_VERSION ? new FetchCrcScanner(version, frame) : null;
  }

  private constructor(
    private readonly version: number,
    /** The response frame (from the correlation id on), being filled from its start. */
    private readonly frame: Buffer,
  ) {
    checked.set(frame.buffer, this.starts);
  }

  /** Whether the scan stopped for good (finished, or met something it does not follow). */
  get stopped(): boolean {
    return this.step === 'done';
  }

  /** The first `filled` bytes of the frame have arrived: checks every batch now complete. */
  advance(filled: number): void {
    try {
      while (this.step !== 'done' && this.next(filled)) {}
    } catch {
      // Bytes that do not follow the layout: leave them to the decoder, which says what is wrong.
      this.step = 'done';
    }
  }

  /** One step of the walk; false when it needs more bytes than `filled`. */
  private next(filled: number): boolean {
    const f = this.frame;
    let p = this.pos;
    switch (this.step) {
      case 'header': {
        p = skipTaggedFields(f, p + CORRELATION_ID_BYTES, filled);
        if (p === NEED_MORE || p + RESPONSE_HEAD_BYTES > filled) return false;
        this.pos = p + RESPONSE_HEAD_BYTES;
        this.step = 'topics';
        return true;
      }
      case 'topics': {
        const n = readUvarint(f, p, filled);
        if (n === NEED_MORE) return false;
        this.pos = varintEnd;
        this.topicsLeft = n === 0 ? 0 : n - 1;
        this.step = this.topicsLeft > 0 ? 'topic' : 'done';
        return true;
      }
      case 'topic': {
        if (this.version >= FIRST_TOPIC_ID_VERSION) p += UUID_BYTES;
        else {
          const n = readUvarint(f, p, filled);
          if (n === NEED_MORE) return false;
          p = varintEnd + Math.max(0, n - 1);
        }
        const n = readUvarint(f, p, filled);
        if (n === NEED_MORE) return false;
        this.pos = varintEnd;
        this.partitionsLeft = n === 0 ? 0 : n - 1;
        this.step = this.partitionsLeft > 0 ? 'partition' : 'topicTags';
        return true;
      }
      case 'partition': {
        p += PARTITION_HEAD_BYTES;
        const n = readUvarint(f, p, filled);
        if (n === NEED_MORE) return false;
        this.pos = varintEnd;
        this.abortedLeft = n === 0 ? 0 : n - 1;
        this.step = 'aborted';
        return true;
      }
      case 'aborted': {
        if (this.abortedLeft > 0) {
          const end = skipTaggedFields(f, p + ABORTED_TXN_BYTES, filled);
          if (end === NEED_MORE) return false;
          this.pos = end;
          this.abortedLeft--;
          return true;
        }
        this.pos = p + 4; // PreferredReadReplica
        this.step = 'records';
        return true;
      }
      case 'records': {
        const n = readUvarint(f, p, filled);
        if (n === NEED_MORE) return false;
        this.pos = varintEnd;
        this.recordsEnd = this.pos + Math.max(0, n - 1);
        if (this.recordsEnd > f.length) throw new RangeError('records run past the frame');
        this.step = 'batches';
        return true;
      }
      case 'batches': {
        const end = this.recordsEnd;
        if (end - p < LOG_OVERHEAD) {
          // What is left is a batch cut at the fetch limit (or nothing): skip it whole.
          if (end > filled) return false;
          this.pos = end;
          this.step = 'partitionTags';
          return true;
        }
        if (p + LOG_OVERHEAD > filled) return false;
        const length = f.readInt32BE(p + BatchField.length);
        const size = LOG_OVERHEAD + length;
        if (length < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) throw new RangeError('impossible batch length');
        if (size > end - p) {
          if (end > filled) return false;
          this.pos = end;
          this.step = 'partitionTags';
          return true;
        }
        if (p + size > filled) return false;
        if (
          f[p + BatchField.magic] === CURRENT_MAGIC &&
          crc32c(f, p + CRC_START, p + size) === f.readUInt32BE(p + BatchField.crc)
        ) {
          this.starts.add(f.byteOffset + p);
        }
        this.pos = p + size;
        return true;
      }
      case 'partitionTags': {
        const end = skipTaggedFields(f, p, filled);
        if (end === NEED_MORE) return false;
        this.pos = end;
        this.step = --this.partitionsLeft > 0 ? 'partition' : 'topicTags';
        return true;
      }
      case 'topicTags': {
        const end = skipTaggedFields(f, p, filled);
        if (end === NEED_MORE) return false;
        this.pos = end;
        this.step = --this.topicsLeft > 0 ? 'topic' : 'done';
        return true;
      }
      default:
        return false;
    }
  }
}

/** Where the varint `readUvarint` read last ends. */
let varintEnd = 0;

/**
 * An unsigned varint at `pos` (its end in `varintEnd`), or NEED_MORE when it is not all there;
 * throws past 5 bytes.
 */
function readUvarint(buf: Buffer, pos: number, filled: number): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= filled) return NEED_MORE;
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      varintEnd = pos;
      return value;
    }
  }
  throw new RangeError('varint longer than 5 bytes');
}

/** Skips a tagged-fields section; returns where it ends, or NEED_MORE. */
function skipTaggedFields(buf: Buffer, pos: number, filled: number): number {
  const count = readUvarint(buf, pos, filled);
  if (count === NEED_MORE) return NEED_MORE;
  pos = varintEnd;
  for (let i = 0; i < count; i++) {
    if (readUvarint(buf, pos, filled) === NEED_MORE) return NEED_MORE; // the tag
    const size = readUvarint(buf, varintEnd, filled);
    if (size === NEED_MORE) return NEED_MORE;
    pos = varintEnd + size;
    if (pos > filled) return NEED_MORE;
  }
  return pos;
}
