/**
 * In Chromium: read-only mode shows no write controls and its API refuses writes; a broker that goes away while a
 * page is open is reported on the page, which recovers once the broker is back.
 */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleServer, startConsoleServer } from '../../../src/index.js';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { call, ORDER_SCHEMA, produceJson, type Stack, startStack } from '../../helpers/stack.js';

chromium.describe('console in Chromium: read-only mode and outages', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('read-only', () => {
    let stack: Stack;
    let page: Page;

    beforeAll(async () => {
      stack = await startStack({ readOnly: true });
      const admin = stack.kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
      await admin.disconnect();
      await produceJson(stack.kafka, 'orders', 5);
      await call(stack.registry.url, 'POST', '/subjects/orders-value/versions', {
        schema: JSON.stringify(ORDER_SCHEMA),
      });
      page = await newPage(browser, stack.console.url);
    });

    afterAll(async () => {
      await stack?.stop();
    });

    it('shows no write controls on any page', async () => {
      await page.goto('/topics');
      await expect.poll(() => page.getByTestId('read-only').textContent()).toBe('Read-only');
      await expect.poll(() => page.locator('tr[data-topic="orders"]').count()).toBe(1);
      expect(await page.getByTestId('create-topic').count()).toBe(0);
      await page.goto('/topics/orders');
      await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('5');
      expect(await page.getByTestId('delete-topic').count()).toBe(0);
      expect(await page.getByTestId('produce-open').count()).toBe(0);
      await screenshot(page, 'read-only-topic');
      await page.goto('/schemas/orders-value');
      await expect.poll(() => page.getByTestId('check-box').count()).toBe(1);
      expect(await page.getByTestId('register-run').count()).toBe(0);
      expect(await page.getByTestId('compatibility-select').count()).toBe(0);
    });

    it('refuses every write through the API with 403 READ_ONLY, and still answers reads and checks', async () => {
      const writes: [string, string, unknown?][] = [
        ['POST', '/api/topics', { name: 'x' }],
        ['DELETE', '/api/topics/orders'],
        ['POST', '/api/topics/orders/messages', { value: 'v', format: 'string' }],
        ['POST', '/api/groups/g/offsets/reset', { strategy: { type: 'earliest' }, dryRun: false }],
        ['POST', '/api/schemas/orders-value/versions', { schema: '"string"' }],
        ['PUT', '/api/schemas/orders-value/compatibility', { level: 'NONE' }],
      ];
      for (const [method, path, body] of writes) {
        const answer = await stack.call<{ error: { code: string } }>(method, path, body);
        expect({ method, path, status: answer.status, code: answer.body.error.code }).toEqual({
          method,
          path,
          status: 403,
          code: 'READ_ONLY',
        });
      }
      expect((await stack.call('GET', '/api/topics/orders')).status).toBe(200);
      expect(
        (await stack.call('POST', '/api/schemas/orders-value/check', { schema: '"string"' })).status,
      ).toBe(200);
    });
  });

  describe('a broker that goes away', () => {
    let broker: RunningBroker;
    let consoleServer: ConsoleServer;
    let page: Page;

    beforeAll(async () => {
      broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 1 });
      consoleServer = await startConsoleServer({ brokers: broker.bootstrap, port: 0 });
      page = await newPage(browser, consoleServer.url);
    });

    afterAll(async () => {
      await consoleServer?.close();
      await broker?.stop();
    });

    it('is reported on the open page, which recovers when the broker is back; the server keeps running', async () => {
      await page.goto('/');
      await expect.poll(() => page.getByTestId('health-summary').textContent()).toContain('Healthy');
      await broker.stop();
      await expect
        .poll(() => page.getByTestId('connection-banner').textContent(), { timeout: 20_000 })
        .toContain('Kafka is unreachable');
      expect((await call(consoleServer.url, 'GET', '/api/overview')).status).toBe(503);
      // The last answer stays, marked as stale, rather than a healthy verdict.
      await expect
        .poll(() => page.getByTestId('health-summary').textContent(), { timeout: 20_000 })
        .toContain('Unreachable');
      await screenshot(page, 'broker-down');
      await broker.restart();
      await expect.poll(() => page.getByTestId('connection-banner').count(), { timeout: 30_000 }).toBe(0);
      await expect
        .poll(() => page.getByTestId('health-summary').textContent(), { timeout: 20_000 })
        .toContain('Healthy');
      expect((await call(consoleServer.url, 'GET', '/api/overview')).status).toBe(200);
    });
  });
});
