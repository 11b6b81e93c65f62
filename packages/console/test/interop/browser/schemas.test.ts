/**
 * In Chromium: subjects, versions side by side, the compatibility level, the topics that use a subject, and a new
 * version that breaks BACKWARD: checked and refused with the incompatibility named at its location.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { ORDER_SCHEMA, type Stack, startStack } from '../../helpers/stack.js';

const V2 = {
  ...ORDER_SCHEMA,
  fields: [...ORDER_SCHEMA.fields, { name: 'currency', type: 'string', default: 'EUR' }],
};
/** A new required field without a default: the new schema cannot read old data (BACKWARD breaks). */
const BREAKING = { ...ORDER_SCHEMA, fields: [...ORDER_SCHEMA.fields, { name: 'channel', type: 'string' }] };

chromium.describe('console in Chromium: schemas', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    await stack.call('POST', '/api/topics', { name: 'orders', partitions: 1 });
    for (const schema of [ORDER_SCHEMA, V2]) {
      await stack.call('POST', '/api/schemas/orders-value/versions', { schema: JSON.stringify(schema) });
    }
    browser = await launchChromium();
    page = await newPage(browser, stack.console.url);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lists subjects and shows two versions side by side, the level and the topics using it', async () => {
    await page.goto('/schemas');
    await expect.poll(() => page.getByTestId('subjects-table').textContent()).toContain('orders-value');
    await screenshot(page, 'schemas');
    await page.getByRole('link', { name: 'orders-value' }).click();
    await expect
      .poll(() => page.getByTestId('schema-diff').locator('.diff-added').count())
      .toBeGreaterThan(0);
    const added = await page.getByTestId('schema-diff').locator('.diff-added .right').allTextContents();
    expect(added.join('\n')).toContain('"name": "currency"');
    expect(await page.getByTestId('compatibility-select').inputValue()).toBe('BACKWARD');
    expect(await page.getByTestId('subject-topics').textContent()).toContain('orders');
    await screenshot(page, 'subject');
  });

  it('names the incompatibility of a BACKWARD-breaking version, in the check and when registering', async () => {
    await page.goto('/schemas/orders-value');
    const box = page.getByTestId('check-box');
    await box.getByTestId('check-schema').fill(JSON.stringify(BREAKING, null, 2));
    await box.getByTestId('check-run').click();
    await expect
      .poll(() => box.getByTestId('check-report').textContent())
      .toContain('Not compatible under BACKWARD');
    const problem = box.getByTestId('incompatibility');
    expect(await problem.count()).toBe(1);
    expect(await problem.textContent()).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(await problem.getByTestId('incompatibility-location').textContent()).toBe('/fields/3');
    expect(await problem.textContent()).toContain("The field 'channel'");
    await box.getByTestId('register-run').click();
    await expect
      .poll(() => box.getByTestId('check-report').textContent())
      .toContain('nothing was registered');
    expect(await box.getByTestId('incompatibility-location').textContent()).toBe('/fields/3');
    await screenshot(page, 'schema-incompatible');
    const { body } = await stack.call<{ versions: unknown[] }>('GET', '/api/schemas/orders-value');
    expect(body.versions).toHaveLength(2);
  });

  it('changes the compatibility level, after which the same version registers', async () => {
    await page.goto('/schemas/orders-value');
    await page.getByTestId('compatibility-select').selectOption('NONE');
    await expect
      .poll(
        async () =>
          (await stack.call<{ compatibility: string }>('GET', '/api/schemas/orders-value')).body
            .compatibility,
      )
      .toBe('NONE');
    const box = page.getByTestId('check-box');
    await box.getByTestId('check-schema').fill(JSON.stringify(BREAKING));
    await box.getByTestId('register-run').click();
    await expect
      .poll(() => box.getByTestId('register-result').textContent())
      .toContain('Registered with schema id');
  });
});
