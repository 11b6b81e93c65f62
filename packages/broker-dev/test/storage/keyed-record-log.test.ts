/** The compacted key → value log: last record wins, tombstones delete, torn tails go, rewrites keep the live records. */
import { appendFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyedRecordLog } from '../../src/storage/keyed-record-log.js';
import { recordingLogger, tempDir } from './helpers.js';

describe('KeyedRecordLog', () => {
  it('replays the last value of each key after a reopen, tombstones removing keys', () => {
    const filePath = path.join(tempDir(), 'records.log');
    const log = new KeyedRecordLog<{ n: number }>({ filePath, logger: recordingLogger() });
    log.write([
      { key: 'a', value: { n: 1 } },
      { key: 'b', value: { n: 2 } },
    ]);
    log.write([
      { key: 'a', value: { n: 3 } },
      { key: 'b', value: null },
    ]);
    log.close();
    const reopened = new KeyedRecordLog<{ n: number }>({ filePath, logger: recordingLogger() });
    expect([...reopened.entries()]).toEqual([['a', { n: 3 }]]);
    reopened.close();
  });

  it('drops a torn tail and keeps what was written before it', () => {
    const filePath = path.join(tempDir(), 'records.log');
    const log = new KeyedRecordLog<number>({ filePath, logger: recordingLogger() });
    log.write([{ key: 'a', value: 1 }]);
    log.close();
    appendFileSync(filePath, Buffer.from([0, 0, 0, 40, 1, 2]));
    const logger = recordingLogger();
    const reopened = new KeyedRecordLog<number>({ filePath, logger });
    expect([...reopened.entries()]).toEqual([['a', 1]]);
    expect(logger.lines.some((l) => l.includes('torn'))).toBe(true);
    reopened.close();
  });

  it('rewrites the file once most records are superseded', () => {
    const filePath = path.join(tempDir(), 'records.log');
    const log = new KeyedRecordLog<number>({ filePath, compactAfterRecords: 50, logger: recordingLogger() });
    for (let i = 0; i < 49; i++) log.write([{ key: 'same', value: i }]);
    const before = statSync(filePath).size;
    log.write([{ key: 'same', value: 49 }]);
    expect(statSync(filePath).size).toBeLessThan(before / 10);
    log.close();
    const reopened = new KeyedRecordLog<number>({ filePath, logger: recordingLogger() });
    expect([...reopened.entries()]).toEqual([['same', 49]]);
    reopened.close();
  });

  it('keeps records in memory without a file', () => {
    const log = new KeyedRecordLog<number>({ logger: recordingLogger() });
    log.write([{ key: 'x', value: 1 }]);
    expect([...log.entries()]).toEqual([['x', 1]]);
  });
});
