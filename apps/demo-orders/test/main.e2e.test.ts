import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '@samsa/broker-dev';
import { Kafka, LogLevel } from '@samsa/core-client';
import { AvroDeserializer, SchemaRegistryClient, startRegistryServer } from '@samsa/schema-registry';
import { type Background, start, waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(appDir, 'dist/main.js');

const running: Background[] = [];

/** Starts the built demo as `npm start` does (`node dist/main.js`), without inheriting Kafka settings. */
function startDemo(env: Record<string, string>): Background {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run build -w demo-orders)`);
  const {
    KAFKA_BROKERS: _k,
    SCHEMA_REGISTRY_URL: _s,
    PORT: _p,
    CONSOLE_PORT: _c,
    OTEL_EXPORTER_OTLP_ENDPOINT: _o,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _t,
    ...rest
  } = process.env;
  // A free port for the console unless a test names one: 8080 may be taken on a shared machine.
  const run = start(process.execPath, [entry], { cwd: appDir, env: { CONSOLE_PORT: '0', ...rest, ...env } });
  running.push(run);
  return run;
}

function until(what: string, run: Background, check: (out: string) => boolean, timeoutMs = 60_000) {
  return run.waitUntil(what, (stdout) => check(stdout), { timeoutMs });
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** SIGINT, as Ctrl-C in `npm start`; resolves with the exit code once all output is in. */
async function stopDemo(run: Background): Promise<number | null> {
  await run.stop('SIGINT', 30_000);
  const { code, signal } = await run.closed;
  if (signal === 'SIGKILL') throw new Error(`demo did not stop within 30 s after SIGINT\n${run.stdout()}`);
  return code;
}

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop('SIGKILL');
});

const notified = (out: string, orderId: string) =>
  count(out, `[notifications] <- PaymentCompleted ${orderId}:`);

/** Posts an order as the README's curl does; returns its id. */
async function placeOrder(base: string, body: unknown): Promise<string> {
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { orderId: string }).orderId;
}

/** Checks the flow of the sample orders and two more; returns the ids of the paid orders. */
async function checkFlow(run: Background): Promise<string[]> {
  // sample orders: four paid and notified (one after a failed attempt), one invalid (400), one poison in the DLQ
  await until(
    'event flow',
    run,
    (out) =>
      count(out, '[notifications]') >= 4 && count(out, '[audit]') >= 4 && out.includes('[dead-letter]'),
  );
  const out = run.stdout();
  expect(out).toContain('payments: exactly-once (transactional)');
  expect(count(out, '-> PaymentCompleted')).toBe(4);
  // Avro in, JSON Schema out: each notification is a zod-defined JSON Schema event the audit reads back.
  expect(out).toMatch(/\[audit\] +<- CustomerNotified o-\w+ \(JSON Schema\): email to c-\d/);
  expect(out).toContain('POST /orders -> 400');
  expect(out).toMatch(
    /\[dead-letter\] +!! OrderCreated o-\w+ parked in orders\.created\.dlq after 3 attempts/,
  );
  expect(out).toContain('PaymentDeclinedError');
  const paid = [...out.matchAll(/-> PaymentCompleted (o-\w+)/g)].map((m) => m[1]!);

  // The gadget's first attempt published PaymentCompleted, then failed: that transaction was aborted, so the
  // customer is told once. (Its aborted record precedes the retry's in the partition: once the retry's is
  // notified, a visible aborted one would have been too.)
  const gadget = /a gadget for c-4 .*: 202 (o-\w+)/.exec(out)![1]!;
  expect(out).toContain(`x  ledger unavailable after publishing PaymentCompleted ${gadget}`);
  expect(notified(out, gadget)).toBe(1);

  // two more orders over HTTP: a plain one, and one more whose payment fails once after publishing
  const base = /HTTP +(http:\/\/\S+)/.exec(out)![1]!;
  const lamp = await placeOrder(base, {
    customerId: 'c-9',
    items: [{ sku: 'lamp', quantity: 2, price: 20 }],
  });
  const again = await placeOrder(base, {
    customerId: 'c-8',
    items: [{ sku: 'gadget', quantity: 2, price: 10 }],
  });
  await until(`notification of ${lamp}`, run, (text) =>
    new RegExp(`\\[notifications\\] +<- PaymentCompleted ${lamp}: told c-9 "we received 40.00"`).test(text),
  );
  await until(`audit of ${lamp}`, run, (text) =>
    new RegExp(`\\[audit\\] +<- CustomerNotified ${lamp} \\(JSON Schema\\): email to c-9`).test(text),
  );
  await until(`notification of ${again}`, run, (text) => notified(text, again) > 0);
  expect(run.stdout()).toContain(`x  ledger unavailable after publishing PaymentCompleted ${again}`);
  expect(notified(run.stdout(), again)).toBe(1);
  paid.push(lamp, again);
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(200);
  const body = (await health.json()) as { status: string; details: { kafka: { consumers: unknown[] } } };
  expect(['ok', 'degraded']).toContain(body.status);
  expect(body.details.kafka.consumers).toHaveLength(4);

  // The console beside it shows the groups and the dead-lettered order.
  const consoleUrl = /Console +(http:\/\/\S+)/.exec(out)![1]!;
  const groups = (await (await fetch(`${consoleUrl}/api/groups`)).json()) as {
    groups: { groupId: string }[];
  };
  expect(groups.groups.map((g) => g.groupId)).toEqual(expect.arrayContaining(['payments', 'notifications']));
  const parked = (await (
    await fetch(`${consoleUrl}/api/topics/orders.created.dlq/messages?from=beginning`)
  ).json()) as { records: { value: { format: string; subject?: string } }[] };
  expect(parked.records.length).toBeGreaterThanOrEqual(1);
  expect(parked.records[0]!.value).toMatchObject({ format: 'avro', subject: 'orders.created-value' });
  // with no OTLP endpoint: one order's trace, from the HTTP request to the notification
  await until('an order trace', run, (text) => text.includes('trace of order'));
  expect(run.stdout()).toMatch(
    new RegExp(
      [
        String.raw`trace of order o-\w+ \([0-9a-f]{32}\): 6 spans, [\d.]+ ms`,
        '.*',
        String.raw` +[\d.]+ +[\d.]+  POST /orders -> 202`,
        String.raw` +[\d.]+ +[\d.]+ {4}└ send orders\.created \[\d\]@\d+`,
        String.raw` +[\d.]+ +[\d.]+ {6}└ process orders\.created  PaymentsHandler\.charge, attempt 1: handled`,
        String.raw` +[\d.]+ +[\d.]+ {8}└ send payments\.completed \[\d\]@\d+`,
        String.raw` +[\d.]+ +[\d.]+ {10}└ process payments\.completed  NotificationsHandler\.notify, attempt 1: handled`,
        String.raw` +[\d.]+ +[\d.]+ {12}└ send notifications\.sent \[\d\]@\d+`,
      ].join('\n'),
    ),
  );
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(
    /^kafka_producer_record_send_total\{client_id="demo-orders",topic="orders\.created"\} \d+$/m,
  );
  return paid;
}

/** PaymentCompleted records per order, as a read_committed consumer reads the whole topic. */
async function paymentsPerOrder(brokers: string[], registryUrl: string): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'demo-check', brokers, logLevel: LogLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets('payments.completed');
  await admin.disconnect();
  const avro = new AvroDeserializer<{ orderId: string }>({
    client: new SchemaRegistryClient({ url: registryUrl }),
  });
  const consumer = kafka.consumer({
    groupId: 'demo-check',
    isolationLevel: 'read_committed',
    autoOffsetReset: 'earliest',
  });
  const perOrder = new Map<string, number>();
  await consumer.subscribe({ topics: ['payments.completed'] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { orderId } = await avro.deserialize('payments.completed', message.value!);
      perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
    },
  });
  try {
    await waitFor('the end of payments.completed', () =>
      ends.every(
        ({ partition, high }) =>
          BigInt(consumer.position({ topic: 'payments.completed', partition }) ?? -1) >= BigInt(high),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
  return perOrder;
}

describe('npm start (apps/demo-orders)', () => {
  it('runs on the embedded broker and registry, shows the flow end to end, stops cleanly on SIGINT', async () => {
    const run = startDemo({ PORT: '0' });
    // The banner comes in several writes: wait for its last line, not its first.
    await until('startup banner', run, (out) => out.includes('(embedded Samsa registry, in memory)'));
    expect(run.stdout()).toContain('(embedded Samsa dev broker, in memory)');
    expect(run.stdout()).toContain('(embedded Samsa registry, in memory)');
    expect(run.stdout()).toMatch(/Console +http:\/\/127\.0\.0\.1:\d+ +\(Samsa Console/);
    await checkFlow(run);
    expect(await stopDemo(run)).toBe(0);
    expect(run.stdout()).toContain('stopped cleanly');
  });

  it('uses KAFKA_BROKERS and SCHEMA_REGISTRY_URL when they are set', async () => {
    const broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 3 });
    const registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
    try {
      const run = startDemo({
        PORT: '0',
        KAFKA_BROKERS: broker.bootstrap.join(','),
        SCHEMA_REGISTRY_URL: registry.url,
      });
      await until('startup banner', run, (out) => out.includes('(SCHEMA_REGISTRY_URL)'));
      expect(run.stdout()).toContain(`${broker.bootstrap.join(',')}   (KAFKA_BROKERS)`);
      expect(run.stdout()).toContain(`${registry.url}   (SCHEMA_REGISTRY_URL)`);
      const paid = await checkFlow(run);
      expect(await stopDemo(run)).toBe(0);
      // exactly one PaymentCompleted per paid order in the topic, read read_committed
      const perOrder = await paymentsPerOrder(broker.bootstrap, registry.url);
      expect(Object.fromEntries(perOrder)).toEqual(Object.fromEntries(paid.map((id) => [id, 1])));
      // the schemas were registered in the given registry
      const subjects = await (await fetch(`${registry.url}/subjects`)).json();
      expect(subjects).toEqual(
        expect.arrayContaining([
          'orders.created-value',
          'payments.completed-value',
          'notifications.sent-value',
        ]),
      );
      const notified = (await (
        await fetch(`${registry.url}/subjects/notifications.sent-value/versions/1`)
      ).json()) as { schema: string };
      expect(notified).toMatchObject({ schemaType: 'JSON' });
      expect(JSON.parse(notified.schema)).toMatchObject({ title: 'com.acme.demo.CustomerNotified' });
    } finally {
      await registry.close();
      await broker.stop();
    }
  });

  it('runs against a secured Kafka (SASL_SSL, SCRAM-SHA-512) with the KAFKA_SSL_CA and KAFKA_SASL_* settings', async () => {
    const broker = await startBroker({
      listeners: ['SASL_SSL://127.0.0.1:0'],
      tls: { auto: true },
      sasl: { users: { orders: 'orders-secret' } },
      partitions: 3,
    });
    try {
      const run = startDemo({
        PORT: '0',
        CONSOLE_PORT: 'off',
        KAFKA_BROKERS: broker.bootstrapFor('SASL_SSL').join(','),
        KAFKA_SSL_CA: broker.tls!.caCertFile!,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'orders',
        KAFKA_SASL_PASSWORD: 'orders-secret',
      });
      await until(
        'sample orders paid, notified and audited',
        run,
        (out) =>
          count(out, '[notifications]') >= 4 && count(out, '[audit]') >= 4 && out.includes('[dead-letter]'),
      );
      expect(count(run.stdout(), '-> PaymentCompleted')).toBe(4);
      expect(await stopDemo(run)).toBe(0);
    } finally {
      await broker.stop();
    }
  });

  it('says clearly when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = startDemo({ PORT: String(port), SAMPLE_ORDERS: '0' });
      const { code } = await run.closed;
      expect(code).toBe(1);
      expect(run.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(run.stderr()).toContain(`PORT=${port + 1} npm start`);
    } finally {
      blocker.close();
    }
  });
});
