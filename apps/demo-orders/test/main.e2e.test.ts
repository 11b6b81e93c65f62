import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '@samsa/broker-dev';
import { startRegistryServer } from '@samsa/schema-registry';
import { type Background, start } from '@samsa/test-support';
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
    OTEL_EXPORTER_OTLP_ENDPOINT: _o,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _t,
    ...rest
  } = process.env;
  const run = start(process.execPath, [entry], { cwd: appDir, env: { ...rest, ...env } });
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

async function checkFlow(run: Background) {
  // sample orders: three paid and notified, one invalid (400), one poison in the dead-letter topic
  await until(
    'event flow',
    run,
    (out) => count(out, '[notifications]') >= 3 && out.includes('[dead-letter]'),
  );
  const out = run.stdout();
  expect(count(out, '-> PaymentCompleted')).toBe(3);
  expect(out).toContain('POST /orders -> 400');
  expect(out).toMatch(
    /\[dead-letter\] +!! OrderCreated o-\w+ parked in orders\.created\.dlq after 3 attempts/,
  );
  expect(out).toContain('PaymentDeclinedError');

  // one more order over HTTP, as the README's curl does
  const base = /HTTP +(http:\/\/\S+)/.exec(out)![1]!;
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'c-9', items: [{ sku: 'lamp', quantity: 2, price: 20 }] }),
  });
  expect(response.status).toBe(202);
  const { orderId } = (await response.json()) as { orderId: string };
  await until(`notification of ${orderId}`, run, (text) =>
    new RegExp(`\\[notifications\\] +<- PaymentCompleted ${orderId}: told c-9 "we received 40.00"`).test(
      text,
    ),
  );
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(200);
  const body = (await health.json()) as { status: string; details: { kafka: { consumers: unknown[] } } };
  expect(['ok', 'degraded']).toContain(body.status);
  expect(body.details.kafka.consumers).toHaveLength(3);

  // with no OTLP endpoint: one order's trace, from the HTTP request to the notification
  await until('an order trace', run, (text) => text.includes('trace of order'));
  expect(run.stdout()).toMatch(
    new RegExp(
      [
        String.raw`trace of order o-\w+ \([0-9a-f]{32}\): 5 spans, [\d.]+ ms`,
        '.*',
        String.raw` +[\d.]+ +[\d.]+  POST /orders -> 202`,
        String.raw` +[\d.]+ +[\d.]+ {4}└ send orders\.created \[\d\]@\d+`,
        String.raw` +[\d.]+ +[\d.]+ {6}└ process orders\.created  PaymentsHandler\.charge, attempt 1: handled`,
        String.raw` +[\d.]+ +[\d.]+ {8}└ send payments\.completed \[\d\]@\d+`,
        String.raw` +[\d.]+ +[\d.]+ {10}└ process payments\.completed  NotificationsHandler\.notify, attempt 1: handled`,
      ].join('\n'),
    ),
  );
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toMatch(
    /^kafka_producer_record_send_total\{client_id="demo-orders",topic="orders\.created"\} \d+$/m,
  );
}

describe('npm start (apps/demo-orders)', () => {
  it('runs on the embedded broker and registry, shows the flow end to end, stops cleanly on SIGINT', async () => {
    const run = startDemo({ PORT: '0' });
    await until('startup banner', run, (out) => out.includes('demo-orders is running'));
    expect(run.stdout()).toContain('(embedded Samsa dev broker, in memory)');
    expect(run.stdout()).toContain('(embedded Samsa registry, in memory)');
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
      await until('startup banner', run, (out) => out.includes('demo-orders is running'));
      expect(run.stdout()).toContain(`${broker.bootstrap.join(',')}   (KAFKA_BROKERS)`);
      expect(run.stdout()).toContain(`${registry.url}   (SCHEMA_REGISTRY_URL)`);
      await checkFlow(run);
      expect(await stopDemo(run)).toBe(0);
      // the schemas were registered in the given registry
      const subjects = await (await fetch(`${registry.url}/subjects`)).json();
      expect(subjects).toEqual(expect.arrayContaining(['orders.created-value', 'payments.completed-value']));
    } finally {
      await registry.close();
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
