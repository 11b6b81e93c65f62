/** In Chromium: the overview, the topic list, creating a topic through the form, a topic's pages, deleting it. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { produceJson, type Stack, startStack } from '../../helpers/stack.js';

chromium.describe('console in Chromium: overview and topics', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    await stack.call('POST', '/api/topics', {
      name: 'orders',
      partitions: 3,
      configs: { 'retention.ms': '604800000' },
    });
    await stack.call('POST', '/api/topics', {
      name: 'payments',
      partitions: 2,
      configs: { 'cleanup.policy': 'compact' },
    });
    await produceJson(stack.kafka, 'orders', 120);
    browser = await launchChromium();
    page = await newPage(browser, stack.console.url);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('opens the overview: brokers, counts and a healthy verdict', async () => {
    await page.goto('/');
    await expect.poll(() => page.getByTestId('health-summary').textContent()).toContain('Healthy');
    expect(await page.getByTestId('stat-brokers').textContent()).toContain('1');
    expect(await page.getByTestId('stat-topics').textContent()).toContain('2');
    expect(await page.getByTestId('stat-partitions').textContent()).toContain('5');
    expect(await page.getByTestId('brokers').textContent()).toContain(stack.broker.bootstrap[0]!);
    await screenshot(page, 'overview');
  });

  it('lists and searches topics with records and retention', async () => {
    await page.goto('/topics');
    const orders = page.locator('tr[data-topic="orders"]');
    await expect.poll(() => orders.textContent()).toContain('120');
    expect(await orders.textContent()).toContain('7 d');
    expect(await page.locator('tr[data-topic="payments"]').textContent()).toContain('compact');
    await screenshot(page, 'topics');
    await page.getByTestId('topic-search').fill('pay');
    await expect.poll(() => page.locator('tr[data-topic]').count()).toBe(1);
  });

  it('creates a topic with configs through the form', async () => {
    await page.goto('/topics');
    await page.getByTestId('create-topic').click();
    const dialog = page.getByTestId('create-topic-dialog');
    await dialog.locator('input[name="name"]').fill('invoices');
    await dialog.locator('input[name="partitions"]').fill('4');
    await dialog.getByTestId('add-config').click();
    await dialog.getByLabel('config name').fill('retention.ms');
    await dialog.getByLabel('config value').fill('3600000');
    await screenshot(page, 'create-topic');
    await dialog.getByRole('button', { name: 'Create topic' }).click();
    await page.waitForURL('**/topics/invoices');
    const { body } = await stack.call<{
      partitions: unknown[];
      configs: { name: string; value: string; isDefault: boolean }[];
    }>('GET', '/api/topics/invoices');
    expect(body.partitions).toHaveLength(4);
    expect(body.configs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '3600000',
      isDefault: false,
    });
    await page.goto('/topics/invoices/configs');
    const row = page.locator('tr[data-config="retention.ms"]');
    await expect.poll(() => row.getAttribute('class')).toBe('is-set');
    expect(await page.locator('tr.is-default').count()).toBeGreaterThan(0);
    await screenshot(page, 'topic-configs');
  });

  it('refuses a bad topic name in the form with the broker-side rule', async () => {
    await page.goto('/topics');
    await page.getByTestId('create-topic').click();
    const dialog = page.getByTestId('create-topic-dialog');
    await dialog.locator('input[name="name"]').fill('no spaces allowed');
    await dialog.getByRole('button', { name: 'Create topic' }).click();
    await expect
      .poll(() => dialog.getByTestId('create-topic-error').textContent())
      .toContain('INVALID_TOPIC_NAME');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows a topic’s partitions and deletes it after confirmation', async () => {
    await page.goto('/topics/orders/partitions');
    await expect.poll(() => page.getByTestId('partitions').locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'topic-partitions');
    await page.goto('/topics/invoices');
    await page.getByTestId('delete-topic').click();
    const dialog = page.getByTestId('delete-topic-dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete topic' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('delete-confirm-input').fill('invoices');
    await confirm.click();
    await page.waitForURL('**/topics');
    expect((await stack.call('GET', '/api/topics/invoices')).status).toBe(404);
  });
});
