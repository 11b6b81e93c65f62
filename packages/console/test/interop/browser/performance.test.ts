/**
 * Measured in Chromium, reported (test-output/performance.json and the test log), not asserted as timings: how long
 * the message browser takes to show the first 500 records of a topic, and whether live tail keeps up with 5,000
 * records/s for 10 s with the tab's JS heap staying bounded. What is asserted: every record reaches the page, and
 * the page keeps a bounded number of them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, launchChromium, newPage, screenshot } from '../../helpers/chromium.js';
import { produceJson, type Stack, startStack } from '../../helpers/stack.js';

const RATE = 5000;
const SECONDS = 10;
const report: Record<string, unknown> = {};

chromium.describe('console in Chromium: performance (measured, not asserted)', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    await stack.call('POST', '/api/topics', { name: 'big', partitions: 3 });
    await stack.call('POST', '/api/topics', { name: 'firehose', partitions: 3 });
    await produceJson(stack.kafka, 'big', 5000, 500);
    browser = await launchChromium();
    page = await newPage(browser, stack.console.url);
  }, 120_000);

  afterAll(async () => {
    const out = join(dirname(fileURLToPath(import.meta.url)), '../../../test-output');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'performance.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`[console performance] ${JSON.stringify(report)}`);
    await browser?.close();
    await stack?.stop();
  });

  it('renders the first 500 records of a topic', async () => {
    await page.goto('/topics/big');
    await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('100');
    const form = page.getByTestId('browse-form');
    await form.locator('select[name="from"]').selectOption('beginning');
    await form.locator('select[name="limit"]').selectOption('500');
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await page.getByTestId('browse').click();
      // A string: the function runs in the page, whose DOM types this (Node) project does not load.
      await page.waitForFunction(
        `document.querySelector('[data-testid="record-count"]')?.textContent === '500' &&
         !document.querySelector('[aria-busy="true"]') &&
         document.querySelectorAll('[data-testid="record-row"]').length > 0`,
      );
      runs.push(Date.now() - started);
    }
    const rows = await page.getByTestId('record-row').count();
    report.browse500 = { runsMs: runs, bestMs: Math.min(...runs), rowsInDom: rows };
    // All 500 are in the list, few are in the DOM (the list is virtualised).
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(100);
    const last = page.getByTestId('records').locator('.records-scroll');
    await last.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect
      .poll(() => page.locator('[data-testid="record-row"]').last().getAttribute('data-offset'))
      .not.toBe('0');
    await screenshot(page, 'messages-500');
  });

  it(`tails ${RATE} records/s for ${SECONDS} s with bounded memory`, async () => {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return Math.round(usedSize / 1024 / 1024);
    };
    await page.goto('/topics/firehose');
    await page.getByTestId('tail-toggle').click();
    await expect.poll(() => page.getByTestId('browse-status').textContent()).not.toContain('connecting');
    const heapBefore = await heap();
    const producer = stack.kafka.producer({ lingerMs: 5 });
    await producer.connect();
    const samples: { second: number; heapMB: number; received: number; rate: string | null }[] = [];
    const started = Date.now();
    let produced = 0;
    try {
      for (let tick = 0; tick < SECONDS * 10; tick++) {
        const batch = RATE / 10;
        await producer.send({
          topic: 'firehose',
          messages: Array.from({ length: batch }, (_, i) => ({
            key: `k-${(produced + i) % 97}`,
            value: JSON.stringify({ n: produced + i, at: Date.now(), payload: 'x'.repeat(64) }),
          })),
        });
        produced += batch;
        if (tick % 10 === 9) {
          samples.push({
            second: Math.round((Date.now() - started) / 1000),
            heapMB: Number(
              await page.evaluate(() =>
                (
                  (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize /
                  1024 /
                  1024
                ).toFixed(1),
              ),
            ),
            received: Number((await page.getByTestId('tail-received').textContent())!.replaceAll(',', '')),
            rate: await page.getByTestId('tail-rate').textContent(),
          });
        }
        const due = started + (tick + 1) * 100;
        if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
    } finally {
      await producer.disconnect();
    }
    const sendSeconds = (Date.now() - started) / 1000;
    const caughtUpStarted = Date.now();
    await expect
      .poll(
        async () => Number((await page.getByTestId('tail-received').textContent())!.replaceAll(',', '')),
        { timeout: 30_000 },
      )
      .toBe(produced);
    const caughtUpMs = Date.now() - caughtUpStarted;
    const rowsKept = Number(
      await page.evaluate(
        `document.querySelector('.records-scroll > div')?.getBoundingClientRect().height ?? 0`,
      ),
    );
    const heapAfter = await heap();
    await screenshot(page, 'messages-tail-firehose');
    report.tail = {
      targetRate: RATE,
      produced,
      sendSeconds: Number(sendSeconds.toFixed(1)),
      achievedProduceRate: Math.round(produced / sendSeconds),
      catchUpAfterLastSendMs: caughtUpMs,
      heapMBBeforeAfterGc: [heapBefore, heapAfter],
      samples,
      listHeightPx: rowsKept,
    };
    // The page keeps at most 2000 records (34 px rows): bounded, whatever the rate.
    expect(rowsKept).toBeLessThanOrEqual(2000 * 34);
    await page.getByTestId('tail-toggle').click();
  }, 120_000);
});
