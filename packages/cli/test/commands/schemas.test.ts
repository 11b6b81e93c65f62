import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsa as run, samsaOn } from '../helpers/run.js';

const schemaFile = fileURLToPath(new URL('../fixtures/order.avsc', import.meta.url));
let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap, cluster.registry.url);
});
afterAll(() => cluster?.stop());

describe('samsa schemas', () => {
  it('registers a schema (idempotently), lists subjects and prints a schema', async () => {
    const registered = await samsa(['schemas', 'register', 'orders-value', schemaFile]);
    expect(registered).toMatchObject({ code: 0 });
    expect(registered.stdout).toMatch(
      /^Registered .*order\.avsc as orders-value version 1 \(schema id (\d+)\)\n$/,
    );
    expect((await samsa(['schemas', 'register', 'orders-value', schemaFile])).stdout).toMatch(/version 1 /);
    const list = await samsa(['schemas', 'list']);
    expect(list.stdout).toMatch(/^SUBJECT +LATEST +ID +TYPE\norders-value +1 +\d+ +AVRO\n$/);
    const got = await samsa(['schemas', 'get', 'orders-value']);
    expect(JSON.parse(got.stdout)).toEqual(
      JSON.parse(JSON.stringify(JSON.parse((await import('node:fs')).readFileSync(schemaFile, 'utf8')))),
    );
    expect(got.stderr).toMatch(/^orders-value version 1, schema id \d+\n$/);
    const json = JSON.parse(
      (await samsa(['schemas', 'get', 'orders-value', '--version', '1', '-o', 'json'])).stdout,
    );
    expect(json).toMatchObject({ subject: 'orders-value', version: 1 });
  });

  it('check is samsa-registry check: compatible and incompatible schemas against the registry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samsa-schemas-'));
    const compatible = join(dir, 'ok.avsc');
    const breaking = join(dir, 'breaking.avsc');
    const base = JSON.parse((await import('node:fs')).readFileSync(schemaFile, 'utf8'));
    writeFileSync(
      compatible,
      JSON.stringify({ ...base, fields: [...base.fields, { name: 'x', type: 'int', default: 0 }] }),
    );
    writeFileSync(
      breaking,
      JSON.stringify({ ...base, fields: [...base.fields, { name: 'y', type: 'int' }] }),
    );
    const ok = await run([
      'schemas',
      'check',
      compatible,
      '--registry',
      cluster.registry.url,
      '--subject',
      'orders-value',
    ]);
    expect(ok.code).toBe(0);
    const bad = await run([
      'schemas',
      'check',
      breaking,
      '--registry',
      cluster.registry.url,
      '--subject',
      'orders-value',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('y');
    const help = await run(['schemas', 'check', '--help']);
    expect(help.stdout).toMatch(/^Usage: samsa schemas check \[options\] <files\.\.\.>/);
  });

  it('says what is missing: a registry, a subject, a readable schema', async () => {
    const bare = samsaOn(cluster.broker.bootstrap);
    expect((await bare(['schemas', 'list'])).stderr).toMatch(
      /^samsa: schemas list needs a schema registry: pass --registry <url> or set SCHEMA_REGISTRY_URL\n/,
    );
    const missing = await samsa(['schemas', 'get', 'nope-value']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^samsa: Schema registry .* answered 404 \(error_code 40401\): .*\n$/);
    expect(missing.stderr).not.toContain('brokers');
    const dir = mkdtempSync(join(tmpdir(), 'samsa-schemas-'));
    writeFileSync(join(dir, 'bad.avsc'), '{"type":"record","name":"X"}');
    const bad = await samsa(['schemas', 'register', 'x-value', join(dir, 'bad.avsc')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.avsc: /);
  });
});
