/** The topic and message routes against the dev broker: listing, creating, browsing, producing, tailing, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApiErrorBody,
  BrowseResult,
  ProduceResult,
  TailBatch,
  TopicDetails,
  TopicSummary,
} from '../../../src/api/types.js';
import { ORDER_SCHEMA, produceJson, type Stack, startStack } from '../../helpers/stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await stack.call('POST', '/api/topics', { name: 'orders', partitions: 3 });
  await produceJson(stack.kafka, 'orders', 300, 30);
});

afterAll(async () => {
  await stack?.stop();
});

const errorCode = (body: unknown) => (body as ApiErrorBody).error.code;

describe('topics', () => {
  it('creates a topic with configs, lists and describes it with its configs, defaults marked, and deletes it', async () => {
    const created = await stack.call('POST', '/api/topics', {
      name: 'audit.log',
      partitions: 2,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '1000000' },
    });
    expect(created).toEqual({ status: 201, body: { name: 'audit.log' } });
    const { body: list } = await stack.call<{ topics: TopicSummary[] }>('GET', '/api/topics');
    expect(list.topics.find((t) => t.name === 'audit.log')).toMatchObject({
      partitions: 2,
      replicationFactor: 1,
      records: '0',
      cleanupPolicy: 'compact',
      retentionMs: '1000000',
      underReplicated: 0,
    });
    expect(list.topics.find((t) => t.name === 'orders')?.records).toBe('300');
    const { body: topic } = await stack.call<TopicDetails>('GET', '/api/topics/audit.log');
    expect(topic.partitions.map((p) => [p.partition, p.leader, p.startOffset, p.endOffset])).toEqual([
      [0, 1, '0', '0'],
      [1, 1, '0', '0'],
    ]);
    expect(topic.configs?.find((c) => c.name === 'cleanup.policy')).toMatchObject({
      value: 'compact',
      isDefault: false,
      source: 'TOPIC_CONFIG',
    });
    expect(topic.configs?.find((c) => c.name === 'segment.bytes')?.isDefault).toBe(true);
    expect((await stack.call('DELETE', '/api/topics/audit.log')).status).toBe(204);
    const gone = await stack.call('GET', '/api/topics/audit.log');
    expect([gone.status, errorCode(gone.body)]).toEqual([404, 'TOPIC_NOT_FOUND']);
  });

  it('answers bad topics with typed 4xx errors', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: 'has space' }, 400, 'INVALID_TOPIC_NAME'],
      [{ name: 'a'.repeat(250) }, 400, 'INVALID_TOPIC_NAME'],
      [{ name: '..' }, 400, 'INVALID_TOPIC_NAME'],
      [{ name: 'x', configs: { 'no.such.config': '1' } }, 400, 'INVALID_CONFIG'],
      [{ name: 'x', configs: { 'retention.ms': 'soon' } }, 400, 'INVALID_CONFIG'],
      [{ name: 'x', partitions: 0 }, 400, 'INVALID_REQUEST'],
      [{ name: 'x', partitions: '3' }, 400, 'INVALID_REQUEST'],
      [{ name: 'x', surprise: true }, 400, 'INVALID_REQUEST'],
      [{}, 400, 'INVALID_REQUEST'],
      [{ name: 'orders' }, 409, 'TOPIC_ALREADY_EXISTS'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await stack.call('POST', '/api/topics', body);
      expect({ body, status: answer.status, code: errorCode(answer.body) }).toEqual({ body, status, code });
    }
    expect((await stack.call('GET', '/api/topics')).body).not.toMatchObject({ topics: [{ name: 'x' }] });
    const unknown = await stack.call('GET', '/api/topics/nope');
    expect([unknown.status, errorCode(unknown.body)]).toEqual([404, 'TOPIC_NOT_FOUND']);
    const bad = await stack.call('DELETE', '/api/topics/bad%20name');
    expect([bad.status, errorCode(bad.body)]).toEqual([400, 'INVALID_TOPIC_NAME']);
  });
});

describe('browsing messages', () => {
  const browse = (query: string) => stack.call<BrowseResult>('GET', `/api/topics/orders/messages?${query}`);

  it('reads the first records from the beginning of every partition, oldest first', async () => {
    const { status, body } = await browse('from=beginning&limit=50');
    expect(status).toBe(200);
    expect(body.records).toHaveLength(50);
    const times = body.records.map((r) => r.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(body.records[0]).toMatchObject({
      offset: '0',
      key: { format: 'string' },
      value: { format: 'json' },
    });
    expect(body.reachedEnd).toBe(false);
  });

  it('reads the newest records, one partition, an offset, a time', async () => {
    const { body: offsets } = await stack.call<TopicDetails>('GET', '/api/topics/orders');
    const end1 = Number(offsets.partitions[1]!.endOffset);
    const newest = await browse('from=end&limit=5&partition=1');
    expect(newest.body.records.map((r) => Number(r.offset))).toEqual([
      end1 - 5,
      end1 - 4,
      end1 - 3,
      end1 - 2,
      end1 - 1,
    ]);
    // Reading backward: older records remain.
    expect(newest.body.reachedEnd).toBe(false);
    const fromOffset = await browse('from=offset&offset=3&partition=1&limit=2');
    expect(fromOffset.body.records.map((r) => r.offset)).toEqual(['3', '4']);
    const all = await browse('from=beginning&limit=1000');
    expect(all.body.records).toHaveLength(300);
    expect(all.body.reachedEnd).toBe(true);
    const middle = all.body.records[150]!;
    const fromTime = await browse(`from=timestamp&timestamp=${middle.timestamp}&limit=1000`);
    expect(fromTime.body.records.every((r) => r.timestamp >= middle.timestamp)).toBe(true);
    expect(fromTime.body.records.length).toBe(
      all.body.records.filter((r) => r.timestamp >= middle.timestamp).length,
    );
    const future = await browse(`from=timestamp&timestamp=${Date.now() + 3_600_000}`);
    expect(future.body.records).toEqual([]);
  });

  it('filters by key and value substrings and by a JSON path', async () => {
    const byKey = await browse('from=beginning&limit=1000&key=KEY-7');
    expect(byKey.body.records.length).toBe(10);
    expect(byKey.body.records.every((r) => r.key.text === 'key-7')).toBe(true);
    const byValue = await browse('from=beginning&limit=1000&value=%22n%22:29');
    expect(byValue.body.records.map((r) => JSON.parse(r.value.text).n).sort()).toEqual([
      29, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299,
    ]);
    const byPath = await browse(`from=end&limit=1000&jsonPath=${encodeURIComponent('$.n')}&jsonValue=42`);
    expect(byPath.body.records.map((r) => r.value.text)).toEqual(['{"n":42}']);
    expect(byPath.body.scanned).toBe(300);
    const badPath = await browse(`jsonPath=${encodeURIComponent('$[?')}`);
    expect([badPath.status, errorCode(badPath.body)]).toEqual([400, 'INVALID_FILTER']);
  });

  it('answers bad browse parameters with 400s', async () => {
    for (const query of [
      'from=sideways',
      'limit=0',
      'limit=1001',
      'limit=ten',
      'from=offset',
      'from=offset&offset=-1',
      'from=timestamp',
      'partition=-1',
    ]) {
      const answer = await browse(query);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
    }
    const missing = await browse('partition=9');
    expect([missing.status, errorCode(missing.body)]).toEqual([404, 'PARTITION_NOT_FOUND']);
  });
});

describe('producing', () => {
  it('produces text, JSON with headers to a partition, tombstones, and Avro from JSON through the registry', async () => {
    await stack.call('POST', '/api/topics', { name: 'produced', partitions: 2 });
    const text = await stack.call<ProduceResult>('POST', '/api/topics/produced/messages', {
      key: 'k',
      value: 'hello',
      format: 'string',
    });
    expect(text.status).toBe(201);
    const json = await stack.call<ProduceResult>('POST', '/api/topics/produced/messages', {
      key: 'c-1',
      value: '{"a": [1, 2]}',
      format: 'json',
      partition: 1,
      headers: [
        { key: 'trace', value: 'abc' },
        { key: 'trace', value: 'def' },
      ],
    });
    expect(json.body.partition).toBe(1);
    const tombstone = await stack.call<ProduceResult>('POST', '/api/topics/produced/messages', {
      key: 'k',
      value: null,
      format: 'string',
    });
    expect(tombstone.status).toBe(201);
    const { body: registered } = await stack.call<{ id: number }>(
      'POST',
      '/api/schemas/produced-value/versions',
      { schema: JSON.stringify(ORDER_SCHEMA) },
    );
    const avro = await stack.call<ProduceResult>('POST', '/api/topics/produced/messages', {
      key: 'c-2',
      value: JSON.stringify({ orderId: 'o-1', customerId: 'c-2', total: 10.5 }),
      format: 'avro',
    });
    expect(avro.body.schemaId).toBe(registered.id);
    const { body } = await stack.call<BrowseResult>(
      'GET',
      '/api/topics/produced/messages?from=beginning&limit=10',
    );
    const byKey = new Map(body.records.map((r) => [`${r.key.text}@${r.value.format}`, r]));
    expect(byKey.get('k@string')?.value.text).toBe('hello');
    expect(byKey.get('k@null')?.value).toEqual({ format: 'null', text: '' });
    expect(byKey.get('c-1@json')?.headers).toEqual([
      { key: 'trace', value: { format: 'string', text: 'abc' } },
      { key: 'trace', value: { format: 'string', text: 'def' } },
    ]);
    expect(byKey.get('c-2@avro')?.value).toEqual({
      format: 'avro',
      text: '{"orderId":"o-1","customerId":"c-2","total":10.5}',
      schemaId: registered.id,
      subject: 'produced-value',
      version: 1,
    });
  });

  it('produces Avro from Avro\'s JSON encoding: unions as {"branch": value}, bytes as one character per byte', async () => {
    await stack.call('POST', '/api/topics', { name: 'unions', partitions: 1 });
    const schema = {
      type: 'record',
      name: 'Tagged',
      fields: [
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'blob', type: 'bytes' },
      ],
    };
    await stack.call('POST', '/api/schemas/unions-value/versions', { schema: JSON.stringify(schema) });
    const produced = await stack.call('POST', '/api/topics/unions/messages', {
      value: JSON.stringify({ note: { string: 'wrapped' }, blob: '\u00ffA' }),
      format: 'avro',
    });
    expect(produced.status).toBe(201);
    const { body } = await stack.call<BrowseResult>('GET', '/api/topics/unions/messages?from=beginning');
    expect(body.records.map((r) => r.value.text)).toEqual(['{"note":"wrapped","blob":"ÿA"}']);
  });

  it('refuses malformed JSON, values that do not fit the schema, unknown subjects and hostile bodies', async () => {
    const post = (body: unknown) => stack.call('POST', '/api/topics/orders/messages', body);
    const cases: [unknown, number, string][] = [
      [{ value: '{"a":', format: 'json' }, 400, 'MALFORMED_JSON'],
      [{ value: '{}', format: 'avro', subject: 'nobody-value' }, 404, 'SUBJECT_NOT_FOUND'],
      [{ value: 'x', format: 'yaml' }, 400, 'INVALID_REQUEST'],
      [{ value: 'x', format: 'string', partition: 7 }, 400, 'PARTITION_NOT_FOUND'],
      [{ value: 'x', format: 'string', headers: [{ key: '', value: '' }] }, 400, 'INVALID_REQUEST'],
      [{ format: 'string' }, 400, 'INVALID_REQUEST'],
      [{ value: 'x', format: 'string', __proto__: { polluted: true } }, 201, ''],
    ];
    for (const [body, status, code] of cases) {
      const answer = await post(body);
      expect({ body, status: answer.status, code: status < 300 ? '' : errorCode(answer.body) }).toEqual({
        body,
        status,
        code,
      });
    }
    await stack.call('POST', '/api/schemas/orders-value/versions', { schema: JSON.stringify(ORDER_SCHEMA) });
    const misfit = await post({ value: '{"orderId": 1}', format: 'avro' });
    expect([misfit.status, errorCode(misfit.body)]).toEqual([400, 'INVALID_VALUE']);
    const unknownField = await post({ value: '{"orderId": "o", "discount": 1}', format: 'avro' });
    expect([unknownField.status, errorCode(unknownField.body)]).toEqual([400, 'INVALID_VALUE']);
    expect((unknownField.body as ApiErrorBody).error.message).toContain('no field "discount"');
    const raw = await stack.call('POST', '/api/topics/orders/messages', '{"value": "x", "format": "str');
    expect([raw.status, errorCode(raw.body)]).toEqual([400, 'MALFORMED_JSON']);
    const missingTopic = await stack.call('POST', '/api/topics/nope/messages', {
      value: 'x',
      format: 'string',
    });
    expect([missingTopic.status, errorCode(missingTopic.body)]).toEqual([404, 'TOPIC_NOT_FOUND']);
  });
});

describe('live tail', () => {
  it('streams new records as server-sent events, filtered, and ends when the client goes away', async () => {
    await stack.call('POST', '/api/topics', { name: 'tailed', partitions: 2 });
    const controller = new AbortController();
    const response = await fetch(`${stack.console.url}/api/topics/tailed/tail?key=match`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const producer = stack.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'tailed',
      messages: Array.from({ length: 40 }, (_, i) => ({
        key: i % 2 === 0 ? 'match' : 'other',
        value: `v${i}`,
      })),
    });
    await producer.disconnect();
    let text = '';
    const seen: string[] = [];
    const deadline = Date.now() + 20_000;
    while (seen.length < 20 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const event = text.slice(0, end);
        text = text.slice(end + 2);
        const data = event.split('\n').find((line) => line.startsWith('data:'));
        if (event.includes('event: records') && data) {
          const batch = JSON.parse(data.slice(5)) as TailBatch;
          seen.push(...batch.records.map((r) => r.value.text));
        }
        end = text.indexOf('\n\n');
      }
    }
    controller.abort();
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i * 2}`).sort());
  });

  it('answers a tail of a missing topic or partition with an ordinary JSON error', async () => {
    const topic = await stack.call('GET', '/api/topics/nope/tail');
    expect([topic.status, errorCode(topic.body)]).toEqual([404, 'TOPIC_NOT_FOUND']);
    const partition = await stack.call('GET', '/api/topics/orders/tail?partition=5');
    expect([partition.status, errorCode(partition.body)]).toEqual([404, 'PARTITION_NOT_FOUND']);
  });
});
