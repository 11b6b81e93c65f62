/**
 * Golden vectors: frames captured from real clients (KafkaJS 2.2.4 and kcat/librdkafka 2.0.2)
 * and the brokers they talked to, by scripts/capture-golden.ts. Every frame must decode, and
 * re-encode byte for byte; selected fields must decode to the values the clients sent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ApiKey,
  CompressionType,
  decodeRecords,
  decodeRequest,
  decodeResponse,
  ErrorCode,
  encodeRequest,
  encodeResponse,
  iterateRecordBatches,
  validateRecordBatch,
} from '../src/index.js';

const root = fileURLToPath(new URL('./fixtures/golden/', import.meta.url));

interface Golden {
  dir: string;
  file: string;
  apiKey: number;
  version: number;
  kind: 'request' | 'response';
  frame: Buffer;
}

const goldens: Golden[] = [];
for (const dir of readdirSync(root)) {
  for (const file of readdirSync(join(root, dir))) {
    const m = /^\d+-(\w+)-v(\d+)-(request|response)\.hex$/.exec(file);
    if (!m) continue;
    goldens.push({
      dir,
      file,
      apiKey: ApiKey[m[1] as keyof typeof ApiKey],
      version: Number(m[2]),
      kind: m[3] as 'request' | 'response',
      frame: Buffer.from(readFileSync(join(root, dir, file), 'utf8').trim(), 'hex'),
    });
  }
}

/** Frames a peer broker got wrong: they must decode to the error they carry, not re-encode identically. */
const MALFORMED_BY_PEER = new Set(['kcat-mock/002-ApiVersions-v3-response.hex']);

const withoutSize = (chunks: Buffer[]) => Buffer.concat(chunks).subarray(4);

describe('golden frames from real clients', () => {
  it('has captures from at least two clients', () => {
    const clients = new Set(goldens.map((g) => g.dir.split('-')[0]));
    expect([...clients].sort()).toEqual(expect.arrayContaining(['kafkajs', 'kcat']));
  });

  for (const g of goldens) {
    it(`${g.dir}/${g.file} decodes and re-encodes byte for byte`, () => {
      if (g.kind === 'request') {
        const { header, body } = decodeRequest(g.frame);
        expect(header.apiKey).toBe(g.apiKey);
        expect(header.apiVersion).toBe(g.version);
        expect(header.clientId).toMatch(/^samsa-golden-|^rdkafka$|^kafkajs$/);
        const again = encodeRequest(
          g.apiKey as 0,
          g.version,
          header.correlationId,
          header.clientId,
          body as never,
        );
        expect(withoutSize(again).toString('hex')).toBe(g.frame.toString('hex'));
      } else {
        const { correlationId, body } = decodeResponse(g.apiKey as 0, g.version, g.frame);
        if (MALFORMED_BY_PEER.has(`${g.dir}/${g.file}`)) return;
        const kip511 =
          g.apiKey === ApiKey.ApiVersions &&
          (body as unknown as { errorCode: number }).errorCode === ErrorCode.UNSUPPORTED_VERSION;
        const again = encodeResponse(g.apiKey as 0, kip511 ? 0 : g.version, correlationId, body as never);
        expect(withoutSize(again).toString('hex')).toBe(g.frame.toString('hex'));
      }
    });
  }
});

function find(dir: string, api: string, kind: 'request' | 'response'): Golden {
  const g = goldens.find((x) => x.dir === dir && x.file.includes(`-${api}-`) && x.kind === kind);
  if (!g) throw new Error(`no ${api} ${kind} captured in ${dir}`);
  return g;
}

describe('golden frames decode to the values the clients sent', () => {
  it('KafkaJS Produce carries its client id, acks, topic and records', () => {
    const { header, body } = decodeRequest(find('kafkajs-mock', 'Produce', 'request').frame);
    expect(header.clientId).toBe('samsa-golden-kafkajs');
    const produce = body as import('../src/index.js').ProduceRequest;
    expect(produce.acks).toBe(-1);
    expect(produce.topicData[0].name).toBe('samsa-golden');
    expect(produce.topicData[0].partitionData[0].index).toBe(0);
    const records = produce.topicData[0].partitionData[0].records as Buffer;
    expect(records.includes('hello')).toBe(true);
    expect(records.includes(Buffer.from('ünïcödé value'))).toBe(true);
  });

  it('kcat Produce carries its client id and both keyed records', () => {
    const { header, body } = decodeRequest(find('kcat-mock', 'Produce', 'request').frame);
    expect(header.clientId).toBe('samsa-golden-kcat');
    const produce = body as import('../src/index.js').ProduceRequest;
    expect(produce.topicData[0].name).toBe('samsa-golden');
    const records = produce.topicData[0].partitionData[0].records as Buffer;
    expect(records.includes('k1')).toBe(true);
  });

  it('JoinGroup requests name the group and the assignors each client offers', () => {
    const kafkajs = decodeRequest(find('kafkajs-mock', 'JoinGroup', 'request').frame)
      .body as import('../src/index.js').JoinGroupRequest;
    expect(kafkajs.groupId).toBe('samsa-golden-kafkajs');
    expect(kafkajs.protocolType).toBe('consumer');
    expect(kafkajs.protocols.map((p) => p.name)).toEqual(['RoundRobinAssigner']);
    const kcat = decodeRequest(find('kcat-mock', 'JoinGroup', 'request').frame)
      .body as import('../src/index.js').JoinGroupRequest;
    expect(kcat.groupId).toBe('samsa-golden-kcat');
    expect(kcat.protocols.map((p) => p.name)).toEqual(expect.arrayContaining(['range', 'roundrobin']));
  });

  it('the largest Fetch response holds the produced records without copying them', () => {
    const g = goldens
      .filter((x) => x.dir === 'kafkajs-mock' && x.file.includes('-Fetch-') && x.kind === 'response')
      .reduce((a, b) => (b.frame.length > a.frame.length ? b : a));
    const fetch = decodeResponse(ApiKey.Fetch, g.version, g.frame)
      .body as import('../src/index.js').FetchResponse;
    const records = fetch.responses
      .flatMap((t) => t.partitions)
      .map((p) => p.records as Buffer | null)
      .find((r) => r && r.length > 0)!;
    expect(records.includes('hello')).toBe(true);
    expect(records.buffer).toBe(g.frame.buffer); // a view of the frame, not a copy
  });

  it('an UNSUPPORTED_VERSION answer to ApiVersions decodes even when malformed (librdkafka 2.0.2 mock)', () => {
    // The mock answers v3 with error 35 but a body that is neither v0 nor v3; clients must still
    // see the error and retry with v0, as librdkafka itself does.
    const g = find('kcat-mock', 'ApiVersions-v3', 'response');
    const { body } = decodeResponse(ApiKey.ApiVersions, 3, g.frame);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });
});

describe('record batches written by real clients', () => {
  const produces = goldens.filter((g) => g.file.includes('-Produce-') && g.kind === 'request');

  it('every produced batch validates and decodes', () => {
    expect(produces.length).toBeGreaterThanOrEqual(6);
    for (const g of produces) {
      const produce = decodeRequest(g.frame).body as import('../src/index.js').ProduceRequest;
      for (const topic of produce.topicData) {
        for (const partition of topic.partitionData) {
          for (const batch of iterateRecordBatches(partition.records as Buffer)) {
            validateRecordBatch(Buffer.from(batch.bytes));
            expect(decodeRecords(batch).length).toBe(batch.recordsCount);
          }
        }
      }
    }
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`librdkafka's ${codec} batches decode to what kcat sent`, () => {
      const records = produces
        .filter((g) => g.dir.startsWith('kcat'))
        .flatMap((g) => {
          const produce = decodeRequest(g.frame).body as import('../src/index.js').ProduceRequest;
          const data = produce.topicData[0].partitionData[0].records as Buffer;
          return [...iterateRecordBatches(data)]
            .filter(
              (b) =>
                b.compression ===
                {
                  gzip: CompressionType.GZIP,
                  snappy: CompressionType.Snappy,
                  lz4: CompressionType.LZ4,
                  zstd: CompressionType.ZSTD,
                }[codec],
            )
            .flatMap((b) => decodeRecords(b));
        });
      expect(records).toHaveLength(20);
      for (const r of records) {
        expect(r.key?.toString()).toBe(`${codec}-key`);
        expect(r.value?.toString()).toBe(`compressed with ${codec}`);
      }
    });
  }
});
