/**
 * In Chromium: a group that consumed part of a topic shows its exact lag per partition; offsets are reset with a dry
 * run first, then for real; a group with active members is refused, as Kafka refuses.
 */
import type { Consumer } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GroupDetails } from '../../../src/api/types.js';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { activeMember, consumeUpTo, fillPartitions } from '../../helpers/groups.js';
import { type Stack, startStack } from '../../helpers/stack.js';

chromium.describe('console in Chromium: consumer groups', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let live: Consumer;

  beforeAll(async () => {
    stack = await startStack();
    await stack.call('POST', '/api/topics', { name: 'payments', partitions: 3 });
    await fillPartitions(stack.kafka, 'payments', 3, 20);
    await consumeUpTo(stack.kafka, 'billing', 'payments', [7, 12, 20]);
    live = await activeMember(stack.kafka, 'auditors', 'payments');
    await waitFor(
      'auditors to be Stable',
      async () => (await stack.call<GroupDetails>('GET', '/api/groups/auditors')).body.state === 'Stable',
      {
        timeoutMs: 30_000,
      },
    );
    browser = await launchChromium();
    page = await newPage(browser, stack.console.url);
  }, 120_000);

  afterAll(async () => {
    await live?.disconnect();
    await browser?.close();
    await stack?.stop();
  });

  const lagOf = (partition: number) =>
    page
      .locator(`[data-testid="group-partition"][data-partition="${partition}"] [data-testid="lag"] .lag`)
      .getAttribute('data-lag');

  it('lists the groups with state, members and total lag', async () => {
    await page.goto('/groups');
    const billing = page.locator('tr[data-group="billing"]');
    await expect.poll(() => billing.textContent()).toContain('Empty');
    expect(await billing.locator('.lag').getAttribute('data-lag')).toBe('21');
    expect(await page.locator('tr[data-group="auditors"]').textContent()).toContain('Stable');
    await screenshot(page, 'groups');
  });

  it('shows the exact lag per partition of a group that consumed part of a topic', async () => {
    await page.goto('/groups/billing');
    await expect.poll(() => lagOf(0)).toBe('13');
    expect(await lagOf(1)).toBe('8');
    expect(await lagOf(2)).toBe('0');
    const committed = await page.getByTestId('committed').allTextContents();
    expect(committed).toEqual(['7', '12', '20']);
    expect(await page.getByTestId('end').allTextContents()).toEqual(['20', '20', '20']);
    expect(await page.getByTestId('group-total-lag').textContent()).toContain('21');
    // The chart has samples after a few refreshes.
    await expect
      .poll(() => page.getByTestId('lag-chart').locator('canvas').count(), { timeout: 10_000 })
      .toBe(1);
    await page.waitForTimeout(4500);
    await screenshot(page, 'group');
  });

  it('resets offsets with a dry run first, then executes', async () => {
    await page.goto('/groups/billing');
    const reset = page.getByTestId('offset-reset');
    await reset.locator('select[name="reset-strategy"]').selectOption('earliest');
    expect(await reset.getByTestId('reset-execute').isDisabled()).toBe(true);
    await reset.getByTestId('reset-dry-run').click();
    await expect.poll(() => reset.getByTestId('reset-plan').textContent()).toContain('dry run');
    expect(await reset.getByTestId('plan-new').allTextContents()).toEqual(['0', '0', '0']);
    // Nothing moved yet.
    expect((await stack.call<GroupDetails>('GET', '/api/groups/billing')).body.totalLag).toBe('21');
    await screenshot(page, 'group-reset-dry-run');
    await reset.getByTestId('reset-execute').click();
    await expect.poll(() => reset.getByTestId('reset-plan').textContent()).toContain('executed');
    await expect.poll(() => lagOf(0)).toBe('20');
    expect(await lagOf(2)).toBe('20');
    expect((await stack.call<GroupDetails>('GET', '/api/groups/billing')).body.totalLag).toBe('60');
  });

  it('refuses to reset a group with active members, as Kafka does', async () => {
    await page.goto('/groups/auditors');
    const reset = page.getByTestId('offset-reset');
    await expect
      .poll(() => reset.getByTestId('reset-active-note').textContent())
      .toContain('1 active member');
    await reset.locator('select[name="reset-strategy"]').selectOption('latest');
    await reset.getByTestId('reset-dry-run').click();
    await expect.poll(() => reset.getByTestId('reset-error').textContent()).toContain('GROUP_ACTIVE');
    expect(await reset.getByTestId('reset-error').textContent()).toContain('stop its consumers first');
  });
});
