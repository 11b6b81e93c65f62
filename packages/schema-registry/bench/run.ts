/**
 * Benchmarks, peers side by side in one run:
 *  - serialize / deserialize of a typical 20-field record in Avro, JSON Schema and Protobuf: Samsa's serde vs
 *    @kafkajs/confluent-schema-registry, both against the same registry;
 *  - the registry's lookup and register requests per second over HTTP (keep-alive, 16 concurrent requests), with
 *    schemas in memory and in the `_schemas` topic of a dev broker (broker, registry and load each in a process).
 * Prints a table with ratios and a JSON line for tracking. Bounded in time (about two minutes).
 *
 * BENCH_SCENARIOS=avro,json,protobuf,registry (comma-separated) runs only those groups; BENCH_ROUNDS and
 * BENCH_ROUND_MS size the serde measurement.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SchemaRegistryClient } from '../src/client/client.js';
import { JsonSchemaDeserializer, JsonSchemaSerializer } from '../src/serde/json-schema.js';
import { ProtobufDeserializer, ProtobufSerializer } from '../src/serde/protobuf.js';
import { AvroDeserializer, AvroSerializer } from '../src/serde/serde.js';
import { startRegistryServer } from '../src/server/http.js';

const ORDER_SCHEMA = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'com.acme.bench',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'status',
      type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'SHIPPED', 'CANCELLED'] },
    },
    { name: 'amountCents', type: 'long' },
    { name: 'currency', type: 'string' },
    { name: 'itemCount', type: 'int' },
    { name: 'discount', type: 'double' },
    { name: 'taxRate', type: 'float' },
    { name: 'giftWrap', type: 'boolean' },
    { name: 'coupon', type: ['null', 'string'], default: null },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'channel', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'postcode', type: 'string' },
    { name: 'city', type: 'string' },
    { name: 'street', type: 'string' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attributes', type: { type: 'map', values: 'string' } },
    { name: 'version', type: 'int' },
  ],
};

const ORDER = {
  orderId: 'ord-7f3a9c12-5b2e-4f8d-9a61-0c4e2b7d8e90',
  customerId: 'cus-000123456',
  createdAt: 1_763_900_000_000,
  status: 'PAID',
  amountCents: 129_99,
  currency: 'EUR',
  itemCount: 3,
  discount: 0.15,
  taxRate: 0.19,
  giftWrap: false,
  coupon: 'AUTUMN25',
  note: null,
  channel: 'web',
  country: 'DE',
  postcode: '10115',
  city: 'Berlin',
  street: 'Invalidenstrasse 117',
  tags: ['priority', 'newsletter'],
  attributes: { campaign: 'fall', referrer: 'search' },
  version: 2,
};

/** The same order as a JSON Schema (draft-07), for the JSON Schema serde. */
const ORDER_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'com.acme.bench.OrderPlaced',
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    customerId: { type: 'string' },
    createdAt: { type: 'integer' },
    status: { type: 'string', enum: ['NEW', 'PAID', 'SHIPPED', 'CANCELLED'] },
    amountCents: { type: 'integer' },
    currency: { type: 'string' },
    itemCount: { type: 'integer' },
    discount: { type: 'number' },
    taxRate: { type: 'number' },
    giftWrap: { type: 'boolean' },
    coupon: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
    channel: { type: 'string' },
    country: { type: 'string' },
    postcode: { type: 'string' },
    city: { type: 'string' },
    street: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    attributes: { type: 'object', additionalProperties: { type: 'string' } },
    version: { type: 'integer' },
  },
  required: ['orderId', 'customerId', 'createdAt', 'status', 'amountCents', 'currency'],
  additionalProperties: false,
};

/**
 * The same order as a proto3 message, for the Protobuf serde. Field names are camelCase: kafkajs parses .proto
 * files without protobufjs's keepCase, so snake_case names would not match the values' keys on its side.
 */
const ORDER_PROTO = `syntax = "proto3";
package com.acme.bench;

message OrderPlaced {
  string orderId = 1;
  string customerId = 2;
  int64 createdAt = 3;
  Status status = 4;
  int64 amountCents = 5;
  string currency = 6;
  int32 itemCount = 7;
  double discount = 8;
  float taxRate = 9;
  bool giftWrap = 10;
  optional string coupon = 11;
  optional string note = 12;
  string channel = 13;
  string country = 14;
  string postcode = 15;
  string city = 16;
  string street = 17;
  repeated string tags = 18;
  map<string, string> attributes = 19;
  int32 version = 20;

  enum Status {
    NEW = 0;
    PAID = 1;
    SHIPPED = 2;
    CANCELLED = 3;
  }
}
`;

/**
 * The order as both take it: the enum by number (kafkajs verifies before encoding), no null for an absent note,
 * and no proto3 default value (giftWrap false), which Samsa's protobufjs 8 leaves out as protoc does and kafkajs's
 * protobufjs 7 writes.
 */
const { note: _note, ...ORDER_WITHOUT_NOTE } = ORDER;
const ORDER_MESSAGE = { ...ORDER_WITHOUT_NOTE, status: 1, giftWrap: true };

const SCENARIOS = ['avro', 'json', 'protobuf', 'registry'] as const;
const selected = new Set(process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()) ?? SCENARIOS);
for (const name of selected) {
  if (!(SCENARIOS as readonly string[]).includes(name))
    throw new Error(`BENCH_SCENARIOS: unknown scenario ${name}; expected some of ${SCENARIOS.join(', ')}`);
}

interface Result {
  name: string;
  ours: number;
  peer?: number;
  unit: string;
  /** Same-round ratios (ours over the peer's), median and range over the rounds. */
  ratio?: Spread;
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(xs: number[]): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 7)));
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 600);

/** Operations done and CPU microseconds (user + system) spent on them. */
interface Tally {
  ops: number;
  cpu: number;
}

const BATCH = 500;

/** Runs `op` BATCH times serially, adding the count and the CPU time this process spent to `tally`. */
async function batch(op: () => Promise<unknown> | unknown, tally: Tally): Promise<void> {
  const start = process.cpuUsage();
  for (let i = 0; i < BATCH; i++) await op();
  const cpu = process.cpuUsage(start);
  tally.ops += BATCH;
  tally.cpu += cpu.user + cpu.system;
}

/** Operations per CPU second (another process taking the shared cores away does not count against either side). */
function rate(tally: Tally): number {
  return tally.ops / (tally.cpu / 1e6);
}

/**
 * Measures one or two operations after a warm-up, in `ROUNDS` rounds of about `ROUND_MS`. Within a round the two
 * alternate in batches of a few milliseconds (who goes first rotates), so both see the same machine, which is
 * shared and noisy. Reports each one's median rate and the median and range of the per-round ratios.
 */
async function opsPerSecond(
  ours: () => Promise<unknown> | unknown,
  peer?: () => Promise<unknown> | unknown,
): Promise<{ ours: number; peer?: number; ratio?: Spread }> {
  for (let i = 0; i < 3000; i++) {
    await ours();
    await peer?.();
  }
  const oursRates: number[] = [];
  const peerRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const mine: Tally = { ops: 0, cpu: 0 };
    const theirs: Tally = { ops: 0, cpu: 0 };
    const deadline = process.hrtime.bigint() + BigInt(ROUND_MS) * 1_000_000n;
    for (let turn = round; process.hrtime.bigint() < deadline; turn++) {
      if (peer && turn % 2 === 1) {
        await batch(peer, theirs);
        await batch(ours, mine);
      } else {
        await batch(ours, mine);
        if (peer) await batch(peer, theirs);
      }
    }
    oursRates.push(rate(mine));
    if (peer) {
      peerRates.push(rate(theirs));
      ratios.push(rate(mine) / rate(theirs));
    }
  }
  if (!peer) return { ours: spread(oursRates).median };
  return { ours: spread(oursRates).median, peer: spread(peerRates).median, ratio: spread(ratios) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request over node:http with a keep-alive agent (undici's fetch would be the bottleneck, not the server). */
function send(url: string, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        headers:
          body === undefined
            ? {}
            : {
                'Content-Type': 'application/vnd.schemaregistry.v1+json',
                'Content-Length': Buffer.byteLength(body),
              },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Keeps `concurrency` requests in flight for `ms`; returns completed requests per second. */
async function requestsPerSecond(
  request: (i: number) => Promise<number>,
  concurrency = 16,
  ms = 2000,
  warmUp = true,
): Promise<number> {
  // Warm up first (JIT in the server process, sockets in the pool), then take the best of two rounds: the
  // machine is shared and noisy.
  if (warmUp) {
    await requestsPerSecond(request, concurrency, 500, false);
    const first = await requestsPerSecond(request, concurrency, ms / 2, false);
    const second = await requestsPerSecond(request, concurrency, ms / 2, false);
    return Math.max(first, second);
  }
  let next = Math.floor(Math.random() * 1e9);
  let done = 0;
  const deadline = Date.now() + ms;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        // A pooled keep-alive socket the server closed while idle fails once; retry it like a client would.
        const i = next++;
        const status = await request(i).catch(() => request(i));
        if (status !== 200) throw new Error(`HTTP ${status}`);
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Runs a TypeScript entry point of this repository in its own Node process, on the sources. */
function spawnSource(entry: URL, args: string[]): ChildProcess {
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/package.json')
      .replace(/package\.json$/, 'dist/loader.mjs'),
  ).href;
  return spawn(
    process.execPath,
    ['--conditions=@samsa/source', '--import', tsx, fileURLToPath(entry), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}

/** Resolves with the first match of `pattern` on the child's stdout. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    child.on('exit', (code) => reject(new Error(`child process exited with ${code}`)));
    child.stdout!.on('data', (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) resolve(match[1]!);
    });
  });
}

/**
 * Starts `samsa-registry serve` in its own process, so the load generator does not share its event loop; with
 * `kafka`, it keeps its schemas in the `_schemas` topic there.
 */
async function startChildServer(kafka?: string): Promise<{ url: string; child: ChildProcess }> {
  const args = ['serve', '--port', '0', ...(kafka ? ['--kafka', kafka] : [])];
  const child = spawnSource(new URL('../src/cli/main.ts', import.meta.url), args);
  return { url: await waitForLine(child, /listening on (http:\/\/[^\s,]+)/), child };
}

/** Stops a child process and waits for it to be gone. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Starts the dev broker's command line in its own process. */
async function startChildBroker(): Promise<{ bootstrap: string; child: ChildProcess }> {
  const cli = new URL(import.meta.resolve('@samsa/broker-dev').replace(/index\.(ts|js)$/, 'cli/main.$1'));
  const child = spawnSource(cli, ['--port', '0', '--log-level', 'warn']);
  return { bootstrap: await waitForLine(child, /BROKERS=(\S+)/), child };
}

/** Lookup and register request rates of one registry server; `label` names its storage in the table. */
async function measureServer(url: string, label: string, schemaText: string): Promise<Result[]> {
  const results: Result[] = [];
  const body = JSON.stringify({ schema: schemaText });
  await send(`${url}/subjects/orders-value/versions`, 'POST', body);
  const remoteId = 1;
  // Warm the server process up (module loading, JIT) before the first measurement.
  await requestsPerSecond(() => send(`${url}/subjects/orders-value`, 'POST', body), 16, 1500, false);
  await requestsPerSecond(() => send(`${url}/schemas/ids/${remoteId}`), 16, 500, false);
  results.push({
    name: `registry (${label}): GET /schemas/ids/{id}`,
    ours: await requestsPerSecond(() => send(`${url}/schemas/ids/${remoteId}`)),
    unit: 'req/s',
  });
  results.push({
    name: `registry (${label}): lookup POST /subjects/{s}`,
    ours: await requestsPerSecond(() => send(`${url}/subjects/orders-value`, 'POST', body)),
    unit: 'req/s',
  });
  results.push({
    name: `registry (${label}): register (idempotent)`,
    ours: await requestsPerSecond(() => send(`${url}/subjects/orders-value/versions`, 'POST', body)),
    unit: 'req/s',
  });
  await send(`${url}/config/bench-new`, 'PUT', JSON.stringify({ compatibility: 'NONE' }));
  results.push({
    name: `registry (${label}): register (new schema)`,
    ours: await requestsPerSecond(
      (i) => {
        const fresh = {
          ...ORDER_SCHEMA,
          fields: [...ORDER_SCHEMA.fields, { name: `extra${i}`, type: 'int', default: 0 }],
        };
        return send(
          `${url}/subjects/bench-new/versions`,
          'POST',
          JSON.stringify({ schema: JSON.stringify(fresh) }),
        );
      },
      16,
      1500,
    ),
    unit: 'req/s',
  });
  return results;
}

/** JSON Schema serde, both validating on write (Confluent's default) and on read (kafkajs always does). */
async function measureJsonSchemaSerde(
  client: SchemaRegistryClient,
  kafkajs: SchemaRegistry,
): Promise<Result[]> {
  const { id } = await kafkajs.register(
    { type: SchemaType.JSON, schema: JSON.stringify(ORDER_JSON_SCHEMA) },
    { subject: 'orders-json-value' },
  );
  const serializer = new JsonSchemaSerializer({ client, schema: ORDER_JSON_SCHEMA, autoRegister: false });
  const validating = new JsonSchemaDeserializer({ client, validate: true });
  const plain = new JsonSchemaDeserializer({ client });
  const ours = await serializer.serialize('orders-json', ORDER);
  if (Buffer.compare(ours, await kafkajs.encode(id, ORDER)) !== 0)
    throw new Error('JSON encodings differ: the comparison would be unfair');
  return [
    {
      name: 'JSON Schema: serialize (validated)',
      ...(await opsPerSecond(
        () => serializer.serialize('orders-json', ORDER),
        () => kafkajs.encode(id, ORDER),
      )),
      unit: 'ops/s',
    },
    {
      name: 'JSON Schema: deserialize (validated)',
      ...(await opsPerSecond(
        () => validating.deserialize('orders-json', ours),
        () => kafkajs.decode(ours),
      )),
      unit: 'ops/s',
    },
    {
      name: 'JSON Schema: deserialize (not validated)',
      ...(await opsPerSecond(() => plain.deserialize('orders-json', ours))),
      unit: 'ops/s',
    },
  ];
}

/**
 * Protobuf serde. kafkajs writes no message indexes (so its bytes are one byte shorter) and decodes to a
 * protobufjs message; Samsa writes Confluent's indexes and decodes to a plain object.
 */
async function measureProtobufSerde(
  client: SchemaRegistryClient,
  kafkajs: SchemaRegistry,
): Promise<Result[]> {
  const { id } = await kafkajs.register(
    { type: SchemaType.PROTOBUF, schema: ORDER_PROTO },
    { subject: 'orders-proto-value' },
  );
  const serializer = new ProtobufSerializer({ client, schema: ORDER_PROTO, autoRegister: false });
  const deserializer = new ProtobufDeserializer({ client });
  const ours = await serializer.serialize('orders-proto', ORDER_MESSAGE);
  const theirs = await kafkajs.encode(id, ORDER_MESSAGE);
  if (Buffer.compare(ours.subarray(6), theirs.subarray(5)) !== 0)
    throw new Error('Protobuf encodings differ: the comparison would be unfair');
  return [
    {
      name: 'Protobuf: serialize',
      ...(await opsPerSecond(
        () => serializer.serialize('orders-proto', ORDER_MESSAGE),
        () => kafkajs.encode(id, ORDER_MESSAGE),
      )),
      unit: 'ops/s',
    },
    {
      name: 'Protobuf: deserialize',
      ...(await opsPerSecond(
        () => deserializer.deserialize('orders-proto', ours),
        () => kafkajs.decode(ours),
      )),
      unit: 'ops/s',
    },
  ];
}

/** Avro serde on the 20-field order; both sides are checked to write the same bytes first. */
async function measureAvroSerde(
  client: SchemaRegistryClient,
  kafkajs: SchemaRegistry,
  id: number,
): Promise<Result[]> {
  const results: Result[] = [];
  const serializer = new AvroSerializer({ client, schema: ORDER_SCHEMA });
  const deserializer = new AvroDeserializer({ client });
  const ourBytes = await serializer.serialize('orders', ORDER);
  const peerBytes = await kafkajs.encode(id, ORDER);
  if (Buffer.compare(ourBytes, peerBytes) !== 0)
    throw new Error('Encodings differ: the comparison would be unfair');
  // (float fields lose precision, so the round trip is compared as bytes.)
  const decoded = (await deserializer.deserialize('orders', peerBytes)) as typeof ORDER;
  if (Buffer.compare(await serializer.serialize('orders', decoded), ourBytes) !== 0)
    throw new Error('Round trip failed');

  results.push({
    name: 'serialize 20-field record',
    ...(await opsPerSecond(
      () => serializer.serialize('orders', ORDER),
      () => kafkajs.encode(id, ORDER),
    )),
    unit: 'ops/s',
  });
  results.push({
    name: 'deserialize 20-field record',
    ...(await opsPerSecond(
      () => deserializer.deserialize('orders', ourBytes),
      () => kafkajs.decode(ourBytes),
    )),
    unit: 'ops/s',
  });
  results.push({
    name: 'encode with known id (sync)',
    ...(await opsPerSecond(() => serializer.encode(id, ORDER))),
    unit: 'ops/s',
  });
  return results;
}

async function main() {
  const server = await startRegistryServer({ port: 0 });
  try {
    const client = new SchemaRegistryClient({ url: server.url });
    const kafkajs = new SchemaRegistry({ host: server.url });
    const schemaText = JSON.stringify(ORDER_SCHEMA);
    const { id } = await kafkajs.register(
      { type: SchemaType.AVRO, schema: schemaText },
      { subject: 'orders-value' },
    );

    const results: Result[] = [];
    if (selected.has('avro')) results.push(...(await measureAvroSerde(client, kafkajs, id)));
    if (selected.has('json')) results.push(...(await measureJsonSchemaSerde(client, kafkajs)));
    if (selected.has('protobuf')) results.push(...(await measureProtobufSerde(client, kafkajs)));

    if (selected.has('registry')) await measureServers(results, schemaText);
    agent.destroy();
    printResults(results);
  } finally {
    await server.close();
  }
}

/** The registry's request rates with schemas in memory, then in a dev broker's `_schemas` topic. */
async function measureServers(results: Result[], schemaText: string): Promise<void> {
  const memory = await startChildServer();
  try {
    results.push(...(await measureServer(memory.url, 'memory', schemaText)));
  } finally {
    await stopChild(memory.child);
  }
  // The production set-up: schemas in a Kafka topic (the dev broker, in a third process); a register is
  // acknowledged once it is written to the topic and read back.
  const broker = await startChildBroker();
  try {
    const kafka = await startChildServer(broker.bootstrap);
    try {
      results.push(...(await measureServer(kafka.url, '_schemas topic', schemaText)));
    } finally {
      await stopChild(kafka.child);
    }
  } finally {
    await stopChild(broker.child);
  }
}

function printResults(results: Result[]): void {
  const rows = results.map((r) => [
    r.name,
    `${Math.round(r.ours).toLocaleString('en-US')} ${r.unit}`,
    r.peer === undefined ? '-' : `${Math.round(r.peer).toLocaleString('en-US')} ${r.unit}`,
    r.ratio === undefined
      ? '-'
      : `${r.ratio.median.toFixed(2)}x (${r.ratio.min.toFixed(2)}-${r.ratio.max.toFixed(2)})`,
  ]);
  const peerVersion = createRequire(import.meta.url)(
    '@kafkajs/confluent-schema-registry/package.json',
  ).version;
  const header = [
    'benchmark',
    'samsa',
    `@kafkajs/confluent-schema-registry ${peerVersion}`,
    `ratio, median (range) of ${ROUNDS}`,
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    JSON.stringify({
      node: process.version,
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      results: results.map((r) => ({ ...r, ours: Math.round(r.ours), peer: r.peer && Math.round(r.peer) })),
    }),
  );
}

await main();
