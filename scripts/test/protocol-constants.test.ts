import { describe, expect, it } from 'vitest';
import { codeOnly, findProtocolConstants, protocolFacts } from '../protocol-constants.js';

const facts = protocolFacts();
const find = (source: string) => findProtocolConstants(source, facts);

describe('findProtocolConstants flags protocol numbers', () => {
  const flagged: [string, string][] = [
    // API keys
    ['  apiKey: 3,', 'ApiKey.Metadata'],
    ['if (header.apiKey === 18) return;', 'ApiKey.ApiVersions'],
    ['const wanted = requests.filter((r) => r.apiKey !== 0);', 'ApiKey.Produce'],
    ['if (18 === header.apiKey) return;', 'ApiKey.ApiVersions'],
    ['const API_VERSIONS = 18;', 'ApiKey.ApiVersions'],
    ['const PRODUCE_API_KEY = 0;', 'ApiKey.Produce'],
    ['export const KEYS = {\n  OffsetCommit: 8,\n};', 'ApiKey.OffsetCommit'],
    ['switch (frame.apiKey) {\n  case 10:\n    break;\n}', 'ApiKey.FindCoordinator'],
    ['const frame = encodeRequest(18, 3, 1, null, {});', 'ApiKey.ApiVersions'],
    ['decodeResponse(\n  1,\n  11,\n  frame,\n);', 'ApiKey.Fetch'],
    // RecordBatch fields
    ['const count = buf.readInt32BE(57);', 'BatchField.recordsCount'],
    ['const attributes = buf.readInt16BE(off + 21);', 'BatchField.attributes'],
    ['const pid = batch.readBigInt64BE(pos + 43);', 'BatchField.producerId'],
    ['writeInt32(batch, pos + 53, sequence);', 'BatchField.baseSequence'],
    ['batch.writeUInt32BE(crc, 17);', 'BatchField.crc'],
    ['const OFFSET_PRODUCER_EPOCH = 51;', 'BatchField.producerEpoch'],
    ['const LAST_OFFSET_DELTA = 23;', 'BatchField.lastOffsetDelta'],
    ['const MAGIC_OFFSET = 16;', 'BatchField.magic'],
    [
      'const Layout = { baseTimestampAt: BatchField.baseTimestamp, recordsCountOffset: 57 };',
      'BatchField.recordsCount',
    ],
    ['const MIN_BATCH = 61;', 'RECORD_BATCH_OVERHEAD'],
    ['const LOG_OVERHEAD = 12;', 'LOG_OVERHEAD'],
    ['if (records[pos + 16] !== CURRENT_MAGIC) return;', 'BatchField.magic'],
    ['if (batch[BatchField.magic] !== 2) throw new Error();', 'CURRENT_MAGIC'],
    ['const codec = attributes & 0x07;', 'COMPRESSION_CODEC_MASK'],
    ['const crc = crc32c(batch, 21, batch.length);', 'CRC_START'],
    ['const transactional = (header.attributes & 0x10) !== 0;', 'TRANSACTIONAL_FLAG_MASK'],
    ['if (control) attributes |= 0x20;', 'CONTROL_FLAG_MASK'],
    ['batch[16] = 2;', 'BatchField.magic'],
    // compression
    ['if (compression === 4) useZstd();', 'CompressionType.ZSTD'],
    ['if (options.codec !== 0) compress();', 'CompressionType.None'],
    ['const CODECS = { none: 0, gzip: 1 };', 'CompressionType.GZIP'],
    ['export const CompressionTypes = { ZSTD: 4 };', 'CompressionType.ZSTD'],
    ['const codec = codecFor(2);', 'CompressionType.Snappy'],
    // error codes
    ['return { errorCode: 6, partitions: [] };', 'ErrorCode.NOT_LEADER_OR_FOLLOWER'],
    ['if (response.errorCode === 27) rejoin();', 'ErrorCode.REBALANCE_IN_PROGRESS'],
    ['override readonly errorCode = 56;', 'ErrorCode.KAFKA_STORAGE_ERROR'],
    ['expect(result.errorCode).toBe(3);', 'ErrorCode.UNKNOWN_TOPIC_OR_PARTITION'],
    ['expect(result.partitions[0].errorCode).not.toBe(-1);', 'ErrorCode.UNKNOWN_SERVER_ERROR'],
    ['const UNSUPPORTED_VERSION = 35;', 'ErrorCode.UNSUPPORTED_VERSION'],
    ['throw createKafkaError(16, { groupId });', 'ErrorCode.NOT_COORDINATOR'],
  ];
  for (const [source, replacement] of flagged) {
    it(`${source.replace(/\n\s*/g, ' ')} -> ${replacement}`, () => {
      const findings = find(source);
      expect(findings).toHaveLength(1);
      expect(findings[0].message).toContain(`use ${replacement} from @samsa/protocol`);
    });
  }

  it('reports the line and column of each finding, and the code as written', () => {
    const findings = find("import x from 'y';\n\nconst handler = {\n  apiKey: 22,\n};\n");
    expect(findings).toEqual([
      {
        line: 4,
        column: 3,
        text: 'apiKey: 22',
        message: 'API key 22 written as a number: use ApiKey.InitProducerId from @samsa/protocol',
      },
    ]);
  });

  it('flags an API key that protocol does not define, asking for an allow marker if it is deliberate', () => {
    const [finding] = find('writeRequestHeader(w, { apiKey: 999, apiVersion: 0 });');
    expect(finding.message).toContain('no such API');
    expect(finding.message).toContain('protocol-constants: allow');
  });
});

describe('findProtocolConstants leaves other numbers alone', () => {
  const clean = [
    // the named exports themselves
    'const handler = { apiKey: ApiKey.Metadata };',
    'const size = readInt32(buf, pos + BatchField.length) + LOG_OVERHEAD;',
    'if (codec === CompressionType.GZIP) return gunzipSync(data);',
    'return { errorCode: ErrorCode.NONE };',
    // zero as "no error"
    'return { errorCode: 0, members: [] };',
    'if (response.errorCode !== 0) throw createKafkaError(response.errorCode);',
    'expect(result.errorCode).toBe(0);',
    // numbers that are not protocol facts
    'const relativeOffset = data.readInt32BE(at + 8);',
    'out.writeInt32BE(this.positions[i], i * OFFSET_INDEX_ENTRY_SIZE + 4);',
    'const size = chunk.readInt32BE(0);',
    'const crc = crc32c(payload);',
    'const crc = crc32c(batch, CRC_START, end);',
    'const length = metadata.readInt16BE(pos);',
    'const timestamp = data.readBigInt64BE(at + 12);',
    'const apiVersion = 3;',
    'const apiKeys = [];',
    'const compressionLevel = 3;',
    'const FRAME_BYTES = 57;',
    'const options = { length: 8, crc: 17 };',
    // header values that happen to equal a field's offset
    'const header = { partitionLeaderEpoch: 12, baseSequence: 53, producerEpoch: 51 };',
    'if (exitCode === 2) usage();',
    // another protocol's error codes (the schema registry's REST API)
    'if (body.error_code === 40401) return undefined;',
    'expect(response.error_code).toBe(42201);',
    // numbers inside comments, strings, templates and regular expressions
    '// apiKey: 3 is Metadata',
    '/* readInt32BE(57) */',
    "const doc = 'apiKey: 18';",
    'const doc = `errorCode: 6`;',
    'const pattern = /apiKey: 3/;',
    // a deliberate number, marked
    'header.writeInt16BE(999, 4); const bad = { apiKey: 999 }; // protocol-constants: allow unknown key',
    '// protocol-constants: allow the test needs a key no broker knows\nconst frame = { apiKey: 999 };',
  ];
  for (const source of clean) {
    it(source.replace(/\n/g, ' '), () => expect(find(source)).toEqual([]));
  }
});

describe('codeOnly', () => {
  it('blanks comments, strings and regular expressions but keeps line breaks and code', () => {
    const source = "const a = 'x'; // c\n/* d\ne */ const b = /y/g; const c = `t\nu`;";
    expect(codeOnly(source)).toBe("const a = ' ';     \n    \n     const b = / /g; const c = ` \n `;");
  });

  it('tells division from a regular expression', () => {
    expect(codeOnly('const half = total / 2; const q = n / 4;')).toBe(
      'const half = total / 2; const q = n / 4;',
    );
  });
});
