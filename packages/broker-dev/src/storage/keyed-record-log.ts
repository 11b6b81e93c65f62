/**
 * A compacted key → value log, the way Kafka keeps group state in __consumer_offsets: every change
 * appends a record for its key, a null value is a tombstone, the last record of a key wins. In
 * memory without a file; with one, records are frames of `[len][crc32c][version u8 + JSON]`
 * (FramedLog), replayed on open and rewritten with only the live records once most are superseded.
 */
import { FramedLog } from './framed-log.js';
import type { StorageLogger } from './storage-logger.js';

const FORMAT_VERSION = 0;

export interface KeyedRecordLogOptions {
  /** The file; omit to keep the records in memory only. */
  filePath?: string;
  syncWrites?: boolean;
  /** Rewrite once the file holds this many records and 4x the live ones (default 10000). */
  compactAfterRecords?: number;
  logger: StorageLogger;
}

export class KeyedRecordLog<V> {
  private readonly live = new Map<string, V>();
  private readonly log: FramedLog | undefined;
  private recordsInLog = 0;
  private readonly compactAfter: number;

  constructor(options: KeyedRecordLogOptions) {
    this.compactAfter = options.compactAfterRecords ?? 10_000;
    if (options.filePath === undefined) return;
    const { log, payloads } = FramedLog.open(options.filePath, options.syncWrites ?? false, options.logger);
    this.log = log;
    for (const payload of payloads) {
      if (payload[0] !== FORMAT_VERSION) {
        options.logger.warn(`${options.filePath}: skipping a record of an unknown format version.`);
        continue;
      }
      const { key, value } = JSON.parse(payload.subarray(1).toString('utf8')) as {
        key: string;
        value: V | null;
      };
      this.apply(key, value);
    }
  }

  /** The live records, in the order their keys were first written. */
  entries(): IterableIterator<[string, V]> {
    return this.live.entries();
  }

  /** Writes records at once (one append); `null` deletes a key. */
  write(records: readonly { key: string; value: V | null }[]): void {
    if (records.length === 0) return;
    // Write before applying: what a caller saw accepted is what a restart loads.
    this.log?.append(records.map(encode));
    for (const { key, value } of records) this.apply(key, value);
    this.maybeCompact();
  }

  flush(): void {
    this.log?.flush();
  }

  close(): void {
    this.log?.close();
  }

  private apply(key: string, value: V | null): void {
    this.recordsInLog++;
    if (value === null) this.live.delete(key);
    else this.live.set(key, value);
  }

  private maybeCompact(): void {
    if (!this.log || this.recordsInLog < this.compactAfter || this.recordsInLog < 4 * this.live.size) return;
    this.log.rewrite([...this.live].map(([key, value]) => encode({ key, value })));
    this.recordsInLog = this.live.size;
  }
}

function encode(record: { key: string; value: unknown }): Buffer {
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), Buffer.from(JSON.stringify(record))]);
}
