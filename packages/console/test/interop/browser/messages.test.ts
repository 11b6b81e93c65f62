/**
 * In Chromium: produce keyed JSON and Avro records through the form and find them decoded in the message browser
 * (schema id and subject shown), filters, and the live tail.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { ORDER_SCHEMA, produceJson, type Stack, startStack } from '../../helpers/stack.js';

chromium.describe('console in Chromium: messages', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let schemaId: number;

  beforeAll(async () => {
    stack = await startStack();
    await stack.call('POST', '/api/topics', { name: 'orders', partitions: 3 });
    await produceJson(stack.kafka, 'orders', 30);
    const registered = await stack.call<{ id: number }>('POST', '/api/schemas/orders-value/versions', {
      schema: JSON.stringify(ORDER_SCHEMA),
    });
    schemaId = registered.body.id;
    browser = await launchChromium();
    page = await newPage(browser, stack.console.url);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function produce(fields: {
    key: string;
    value: string;
    format: 'json' | 'avro';
    header?: [string, string];
  }) {
    await page.getByTestId('produce-open').click();
    const dialog = page.getByTestId('produce-dialog');
    await dialog.locator('input[name="key"]').fill(fields.key);
    await dialog.locator('select[name="format"]').selectOption(fields.format);
    await dialog.locator('textarea[name="value"]').fill(fields.value);
    if (fields.header) {
      await dialog.getByRole('button', { name: '+ Add header' }).click();
      await dialog.getByLabel('header name').fill(fields.header[0]);
      await dialog.getByLabel('header value').fill(fields.header[1]);
    }
    await dialog.getByTestId('produce-submit').click();
    await expect
      .poll(() => dialog.getByTestId('produce-result').textContent())
      .toContain('Produced to partition');
    const result = (await dialog.getByTestId('produce-result').textContent())!;
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    return result;
  }

  it('produces a keyed JSON record and finds it pretty-printed with its header', async () => {
    await page.goto('/topics/orders');
    await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('30');
    await produce({
      key: 'customer-7',
      value: '{"orderId":"o-1","customerId":"customer-7","total":12.5}',
      format: 'json',
      header: ['source', 'console-test'],
    });
    await page.locator('input[name="key"]').fill('customer-7');
    await page.getByTestId('browse').click();
    await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('1');
    await page.getByTestId('record-row').first().click();
    const value = page.getByTestId('detail-value');
    expect(await value.textContent()).toContain('json');
    expect(await value.locator('pre').textContent()).toBe(
      JSON.stringify({ orderId: 'o-1', customerId: 'customer-7', total: 12.5 }, null, 2),
    );
    expect(await page.getByTestId('record-detail').textContent()).toContain('console-test');
  });

  it('produces Avro from JSON through the registry and shows it decoded with schema id and subject', async () => {
    await page.goto('/topics/orders');
    const result = await produce({
      key: 'customer-9',
      value: '{"orderId":"o-2","customerId":"customer-9","total":99.75}',
      format: 'avro',
    });
    expect(result).toContain(`schema id ${schemaId}`);
    await page.locator('input[name="jsonPath"]').fill('$.customerId');
    await page.locator('input[name="jsonValue"]').fill('customer-9');
    await page.getByTestId('browse').click();
    await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('1');
    const row = page.getByTestId('record-row').first();
    expect(await row.textContent()).toContain('avro');
    await row.click();
    const value = page.getByTestId('detail-value');
    expect(await value.getByTestId('detail-value-schema').textContent()).toBe(
      `schema id ${schemaId} · orders-value v1`,
    );
    expect(JSON.parse((await value.locator('pre').textContent())!)).toEqual({
      orderId: 'o-2',
      customerId: 'customer-9',
      total: 99.75,
    });
    await screenshot(page, 'messages-avro');
  });

  it('says what is wrong with malformed JSON and with an Avro value that does not fit the schema', async () => {
    await page.goto('/topics/orders');
    await page.getByTestId('produce-open').click();
    const dialog = page.getByTestId('produce-dialog');
    await dialog.locator('select[name="format"]').selectOption('json');
    await dialog.locator('textarea[name="value"]').fill('{"orderId": ');
    await dialog.getByTestId('produce-submit').click();
    await expect.poll(() => dialog.getByTestId('produce-error').textContent()).toContain('MALFORMED_JSON');
    await dialog.locator('select[name="format"]').selectOption('avro');
    await dialog.locator('textarea[name="value"]').fill('{"orderId":"o-3"}');
    await dialog.getByTestId('produce-submit').click();
    await expect.poll(() => dialog.getByTestId('produce-error').textContent()).toContain('INVALID_VALUE');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('tails new records live', async () => {
    await page.goto('/topics/orders');
    await page.getByTestId('tail-toggle').click();
    await expect.poll(() => page.getByTestId('browse-status').textContent()).not.toContain('connecting');
    await produceJson(stack.kafka, 'orders', 25);
    await expect.poll(() => page.getByTestId('tail-received').textContent(), { timeout: 15_000 }).toBe('25');
    expect(await page.getByTestId('record-row').count()).toBeGreaterThan(0);
    await screenshot(page, 'messages-tail');
    await page.getByTestId('tail-toggle').click();
  });
});
