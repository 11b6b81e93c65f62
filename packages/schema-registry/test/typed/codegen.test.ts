import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidValueError, SchemaParseError } from '../../src/errors.js';
import { generateTypeScript } from '../../src/typed/codegen.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '../..');
const workDir = join(packageRoot, '.tmp', `codegen-${process.pid}`);
const fixtures = ['money.avsc', 'order-created.avsc'].map((name) => join(here, 'fixtures', name));

function typeCheck(files: string[]): { ok: boolean; output: string } {
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      extends: resolve(packageRoot, '../../tsconfig.base.json'),
      compilerOptions: { noEmit: true, rootDir: packageRoot, customConditions: ['@samsa/source'] },
      files,
    }),
  );
  try {
    execFileSync('npx', ['tsc', '-p', join(workDir, 'tsconfig.json')], { cwd: packageRoot, stdio: 'pipe' });
    return { ok: true, output: '' };
  } catch (error) {
    const e = error as { stdout: Buffer; stderr: Buffer };
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  }
}

describe('samsa-registry codegen', () => {
  let source: string;
  beforeAll(() => {
    mkdirSync(workDir, { recursive: true });
    source = generateTypeScript(
      fixtures.map((path) => ({
        path: `fixtures/${path.split('/').pop()}`,
        text: readFileSync(path, 'utf8'),
      })),
    );
    writeFileSync(join(workDir, 'events.ts'), source);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('generates interfaces, enums, fixed, wrapped and unwrapped unions, and typed schema constants', () => {
    expect(source).toContain('export interface Money {');
    expect(source).toContain("export type Currency = 'EUR' | 'USD' | 'GBP';");
    expect(source).toContain('  total: Money;');
    expect(source).toContain('  lines: Array<Line>;');
    expect(source).toContain('  attributes: Record<string, string>;');
    expect(source).toContain('  coupon: null | string;');
    expect(source).toContain('export type Md5 = Buffer;');
    expect(source).toContain(
      '  payment: { "com.acme.shop.Card": Card } | { "com.acme.shop.Invoice": Invoice };',
    );
    expect(source).toContain('  /** Unique per order. */');
    expect(source).toContain('export const OrderCreatedSchema = typedSchema<OrderCreated>(');
    expect(source).toContain('export const MoneySchema = typedSchema<Money>(');
  });

  it('makes producing a wrongly shaped event a compile error', () => {
    writeFileSync(
      join(workDir, 'usage.ts'),
      `import { AvroSerializer, SchemaRegistryClient } from '@samsa/schema-registry';
import { OrderCreatedSchema, type OrderCreated } from './events.js';

const serializer = new AvroSerializer({ client: new SchemaRegistryClient({ url: 'http://127.0.0.1:1' }), schema: OrderCreatedSchema });
const good: OrderCreated = {
  orderId: 'o-1', total: { units: 1250, currency: 'EUR' }, lines: [{ sku: 'a', qty: 2 }], attributes: {},
  coupon: null, checksum: Buffer.alloc(16), payment: { 'com.acme.shop.Card': { last4: '4242' } }, createdAt: 0,
};
void serializer.serialize('orders', good);
// @ts-expect-error: currency is an enum
void serializer.serialize('orders', { ...good, total: { units: 1, currency: 'JPY' } });
// @ts-expect-error: orderId is required
void serializer.serialize('orders', { ...good, orderId: undefined });
// @ts-expect-error: qty is a number
void serializer.serialize('orders', { ...good, lines: [{ sku: 'a', qty: '2' }] });
`,
    );
    const result = typeCheck(['events.ts', 'usage.ts'].map((f) => join(workDir, f)));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);

    writeFileSync(
      join(workDir, 'wrong.ts'),
      `import { OrderCreatedSchema } from './events.js';
export const wrong: NonNullable<typeof OrderCreatedSchema.__type> = { orderId: 5 };
`,
    );
    const failing = typeCheck([join(workDir, 'wrong.ts')]);
    expect(failing.ok).toBe(false);
    expect(failing.output).toMatch(/wrong\.ts.*error TS2/);
  }, 60_000);

  it('validates plain objects at runtime with the generated validators', async () => {
    const events = await import(join(workDir, 'events.ts'));
    const good = {
      orderId: 'o-1',
      total: { units: 1250, currency: 'EUR' },
      lines: [],
      coupon: 'SPRING',
      checksum: Buffer.alloc(16),
      payment: { 'com.acme.shop.Invoice': { dueDays: 30 } },
      createdAt: Date.now(),
    };
    expect(events.OrderCreatedSchema.is(good)).toBe(true);
    expect(events.OrderCreatedSchema.is({ ...good, checksum: Buffer.alloc(3) })).toBe(false);
    expect(() =>
      events.OrderCreatedSchema.validate({ ...good, total: { units: 1.5, currency: 'EUR' } }),
    ).toThrow(InvalidValueError);
    expect(events.MoneySchema.parsed.fullName).toBe('com.acme.shop.Money');
  });

  it('reports an invalid .avsc with the file and the place', () => {
    expect(() =>
      generateTypeScript([
        { path: 'bad.avsc', text: '{"type":"record","name":"R","fields":[{"name":"a"}]}' },
      ]),
    ).toThrow(SchemaParseError);
    try {
      generateTypeScript([{ path: 'bad.avsc', text: '{"type":"enum","name":"E","symbols":["ok","no-t"]}' }]);
    } catch (error) {
      expect((error as Error).message).toBe(
        'bad.avsc: Illegal character in enum symbol: no-t (at /symbols/1)',
      );
    }
  });
});
