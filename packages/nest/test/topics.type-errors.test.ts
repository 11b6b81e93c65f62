/**
 * What a mistake against a typed topic reads like: a small program with a handler for the wrong event and a
 * publish of the wrong shape is type-checked with tsc, and each error must name the topic's value type (not a
 * string overload or an unrelated signature). `subscribe/subscribe.decorator.types.test.ts` checks which cases
 * compile; this checks what the rejected ones say.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const repositoryRoot = path.join(packageDir, '../..');

const program = `
import { defineTopic, Payload, type SamsaProducer, Subscribe } from ${JSON.stringify(path.join(packageDir, 'src/index.ts'))};

interface OrderCreated { orderId: string; customerId: string; total: number }
interface PaymentCompleted { orderId: string; paymentId: string; amount: number }
const OrderCreatedTopic = defineTopic<OrderCreated>('orders.created');

export class Payments {
  @Subscribe(OrderCreatedTopic)
  charge(@Payload() payment: PaymentCompleted): void {
    void payment;
  }
}

export function publish(producer: SamsaProducer) {
  void producer.publish(OrderCreatedTopic, { orderId: 'o-1', paymentId: 'p-1', amount: 42 });
}
`;

/** Line (1-based) in `program` of the first line containing `text`. */
const lineOf = (text: string) => program.split('\n').findIndex((line) => line.includes(text)) + 1;

let dir: string;
/** tsc's diagnostics, each with its continuation lines, by the line of wrong.mts they point at. */
const diagnostics = new Map<number, string>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'samsa-nest-type-errors-'));
  writeFileSync(path.join(dir, 'wrong.mts'), program);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(repositoryRoot, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        allowImportingTsExtensions: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        typeRoots: [path.join(repositoryRoot, 'node_modules/@types')],
        customConditions: ['@samsa/source'],
      },
      include: ['wrong.mts'],
    }),
  );
  const tsc = path.join(repositoryRoot, 'node_modules/.bin/tsc');
  const result = await run(tsc, ['-p', '.', '--pretty', 'false'], { cwd: dir, timeoutMs: 120_000 });
  let current: number | null = null;
  for (const line of result.stdout.split('\n')) {
    const start = /^wrong\.mts\((\d+),\d+\): (.*)$/.exec(line);
    if (start) {
      current = Number(start[1]);
      diagnostics.set(current, start[2]!);
    } else if (/^\S/.test(line)) {
      current = null; // a diagnostic in another file
    } else if (current !== null && line.trim() !== '') {
      diagnostics.set(current, `${diagnostics.get(current)}\n${line.trim()}`);
    }
  }
}, 150_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('type errors against a typed topic', () => {
  it('has exactly the two mistakes reported', () => {
    expect([...diagnostics.keys()]).toEqual([
      lineOf('@Subscribe(OrderCreatedTopic)'),
      lineOf('producer.publish('),
    ]);
  });

  it('@Subscribe(topic) on a handler for another event names both event types', () => {
    const message = diagnostics.get(lineOf('@Subscribe(OrderCreatedTopic)'))!;
    expect(message).toContain('(payload: OrderCreated, ...rest: any[]) => unknown');
    expect(message).toContain(
      "Type 'OrderCreated' is missing the following properties from type 'PaymentCompleted'",
    );
  });

  it("publish(topic, event) of the wrong shape is reported against the topic's value type", () => {
    expect(diagnostics.get(lineOf('producer.publish('))).toBe(
      "error TS2353: Object literal may only specify known properties, and 'paymentId' does not exist in type " +
        "'OrderCreated'.",
    );
  });
});
