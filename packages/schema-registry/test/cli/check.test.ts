import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptNodeArgs } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const schema = (fields: unknown[]) =>
  `${JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.acme', fields }, null, 2)}\n`;

const V1 = schema([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'int' },
]);
const V2 = schema([{ name: 'id', type: 'string' }]);
const V3_TRANSITIVE_BREAK = schema([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'string', default: '' },
]);
const V3_OK = schema([
  { name: 'id', type: 'string' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const V3_BAD = schema([
  { name: 'id', type: 'string' },
  { name: 'customer', type: 'string' },
]);

let repo: string;
const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd: repo,
      stdio: 'pipe',
    },
  ).toString();
const orderFile = () => join(repo, 'schemas', 'order.avsc');

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
  return { code, stdout, stderr };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'samsa-check-'));
  git('init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'schemas'));
  writeFileSync(orderFile(), V1);
  git('add', '.');
  git('commit', '-q', '-m', 'order v1');
  git('tag', 'v1');
  writeFileSync(orderFile(), V2);
  git('commit', '-q', '-am', 'order v2: drop amount');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('samsa-registry check against git history', () => {
  it('exits 0 for a compatible change and says so', async () => {
    writeFileSync(orderFile(), V3_OK);
    const result = await cli('check', orderFile());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('is BACKWARD compatible with 1 previous version');
    expect(result.stdout).toContain('All 1 schema compatible');
  });

  it('exits 1 for an incompatible change, naming the problem, its location and line', async () => {
    writeFileSync(orderFile(), V3_BAD);
    const result = await cli('check', orderFile(), '--against', 'git:main');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL');
    expect(result.stdout).toMatch(/against main \([0-9a-f]{7}\):/);
    expect(result.stdout).toContain(
      `READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1 (${orderFile()}:10): customer`,
    );
    expect(result.stdout).toContain(
      "The field 'customer' at path '/fields/1' in the new schema has no default value and is missing in the old schema",
    );
  });

  it('checks every committed version for transitive levels, and only the latest otherwise', async () => {
    writeFileSync(orderFile(), V3_TRANSITIVE_BREAK);
    expect((await cli('check', orderFile(), '--level', 'BACKWARD')).code).toBe(0);
    const transitive = await cli('check', orderFile(), '--level', 'backward_transitive', '--format', 'json');
    expect(transitive.code).toBe(1);
    const report = JSON.parse(transitive.stdout);
    expect(report.compatible).toBe(false);
    expect(report.results[0].checkedAgainst).toHaveLength(2);
    expect(report.results[0].incompatibilities).toEqual([
      expect.objectContaining({
        type: 'TYPE_MISMATCH',
        location: '/fields/1/type',
        message: 'reader type: STRING not compatible with writer type: INT',
        direction: 'new-reads-old',
        line: 12,
      }),
    ]);
    // The old version at a tag, FORWARD: old readers must read new data.
    const forward = await cli('check', orderFile(), '--level', 'FORWARD', '--against', 'git:v1');
    expect(forward.code).toBe(1);
    expect(forward.stdout).toContain(
      'TYPE_MISMATCH at /fields/1/type: reader type: INT not compatible with writer type: STRING',
    );
    expect(forward.stdout).toContain('in the old schema does not match with the new schema');
  });

  it('writes JUnit XML and GitHub annotations', async () => {
    writeFileSync(orderFile(), V3_BAD);
    const junit = await cli('check', orderFile(), '--format', 'junit');
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain(
      '<testsuites name="samsa-registry check" tests="1" failures="1" errors="0">',
    );
    expect(junit.stdout).toContain('<failure message=');
    expect(junit.stdout).toContain('type="READER_FIELD_MISSING_DEFAULT_VALUE"');
    const github = await cli('check', orderFile(), '--format', 'github');
    expect(github.stdout).toContain(
      `::error file=${orderFile()},line=10,title=READER_FIELD_MISSING_DEFAULT_VALUE (BACKWARD)::The field 'customer'`,
    );
    writeFileSync(orderFile(), V3_OK);
    expect((await cli('check', orderFile(), '--format', 'github')).stdout).toContain('::notice file=');
  });

  it('treats a schema with no committed version as compatible, and NONE as nothing to check', async () => {
    const fresh = join(repo, 'schemas', 'fresh.avsc');
    writeFileSync(fresh, schema([{ name: 'x', type: 'int' }]));
    const result = await cli('check', fresh);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no previous version');
    writeFileSync(orderFile(), V3_BAD);
    expect((await cli('check', orderFile(), '--level', 'NONE')).code).toBe(0);
  });

  it('exits 2 on input errors: invalid schema, missing file, unknown ref', async () => {
    const broken = join(repo, 'schemas', 'broken.avsc');
    writeFileSync(
      broken,
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"zero"}]}',
    );
    const invalid = await cli('check', broken);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain(
      'Invalid default for field a: "zero" is not a valid int (at /fields/0/default)',
    );
    expect((await cli('check', join(repo, 'nope.avsc'))).code).toBe(2);
    const unknownRef = await cli('check', orderFile(), '--against', 'git:no-such-branch');
    expect(unknownRef.code).toBe(2);
    expect(unknownRef.stdout).toContain('Unknown git ref "no-such-branch"');
    // One broken file makes the whole run exit 2 even if others pass.
    expect((await cli('check', broken, join(repo, 'schemas', 'fresh.avsc'))).code).toBe(2);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      ['check'],
      ['check', orderFile(), '--level', 'SIDEWAYS'],
      ['check', orderFile(), '--format', 'xml'],
      ['check', orderFile(), '--against', 'HEAD'],
      ['check', orderFile(), '--registry', 'http://127.0.0.1:1'],
      ['check', orderFile(), '--bogus'],
      ['frobnicate'],
      [],
    ]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });

  it('prints the help of the program or of a command and exits 0', async () => {
    const program = await cli('--help');
    expect(program.code).toBe(0);
    expect(program.stdout).toMatch(/^Usage: samsa-registry \[options\] \[command\]/);
    for (const command of ['serve', 'check', 'codegen']) expect(program.stdout).toContain(command);
    const check = await cli('help', 'check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('--against <git:ref>');
    // A usage error names the problem and shows the command's help on stderr.
    const wrong = await cli('check', orderFile(), '--format', 'xml');
    expect(wrong.stderr).toMatch(/^samsa-registry: option '--format <format>' argument 'xml' is invalid\./);
    expect(wrong.stderr).toContain('Usage: samsa-registry check [options] <files...>');
  });
});

describe('samsa-registry check against a running registry', () => {
  let server: RegistryServer;
  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
    const register = (text: string) =>
      fetch(`${server.url}/subjects/orders-value/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ schema: text }),
      });
    await fetch(`${server.url}/config/orders-value`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    await register(V1);
    await register(V2);
    await fetch(`${server.url}/config/orders-value`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ compatibility: 'BACKWARD_TRANSITIVE' }),
    });
  });
  afterAll(() => server.close());

  it('uses the subject level and checks all versions for a transitive level', async () => {
    writeFileSync(orderFile(), V3_TRANSITIVE_BREAK);
    const result = await cli('check', orderFile(), '--registry', server.url, '--subject', 'orders-value');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('is not BACKWARD_TRANSITIVE compatible');
    expect(result.stdout).toContain('against version 1:');
    writeFileSync(orderFile(), V3_OK);
    expect(
      (await cli('check', orderFile(), '--registry', server.url, '--subject', 'orders-value')).code,
    ).toBe(0);
    expect((await cli('check', orderFile(), '--registry', server.url, '--subject', 'new-subject')).code).toBe(
      0,
    );
    const down = await cli('check', orderFile(), '--registry', 'http://127.0.0.1:1', '--subject', 's');
    expect(down.code).toBe(2);
  });
});

describe('samsa-registry check with JSON Schema and Protobuf files', () => {
  const jsonFile = () => join(repo, 'schemas', 'customer.json');
  const protoFile = () => join(repo, 'schemas', 'customer.proto');
  const JSON_V1 = `${JSON.stringify(
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Customer',
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    },
    null,
    2,
  )}\n`;
  const PROTO_V1 =
    'syntax = "proto3";\npackage acme;\n\nmessage Customer {\n  string id = 1;\n  string name = 2;\n}\n';

  beforeAll(() => {
    writeFileSync(jsonFile(), JSON_V1);
    writeFileSync(protoFile(), PROTO_V1);
    git('add', 'schemas/customer.json', 'schemas/customer.proto');
    git('commit', '-q', '-m', 'customer v1');
  });

  it("checks a .json JSON Schema with Confluent's rules, naming and locating the problem", async () => {
    const dropped = JSON_V1.replace('"name": {', '"nickname": {');
    writeFileSync(jsonFile(), dropped);
    const result = await cli('check', jsonFile());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at #/properties/name');
    expect(result.stdout).toContain(
      "The new has a closed content model and is missing a property or item present at path '#/properties/name' in the old schema",
    );
    const json = JSON.parse((await cli('check', jsonFile(), '--format', 'json')).stdout);
    expect(json.results[0]).toMatchObject({ compatible: false });
    writeFileSync(jsonFile(), JSON_V1.replace('"required"', '"description": "a customer",\n  "required"'));
    expect((await cli('check', jsonFile())).code).toBe(0);
  });

  it('checks a .proto file, with the line of the field that changed', async () => {
    writeFileSync(protoFile(), PROTO_V1.replace('string name = 2;', 'int64 name = 2;'));
    const result = await cli('check', protoFile());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`FIELD_SCALAR_KIND_CHANGED at #/Customer/2 (${protoFile()}:6)`);
    writeFileSync(
      protoFile(),
      PROTO_V1.replace('  string name = 2;\n', '  string name = 2;\n  string email = 3;\n'),
    );
    expect((await cli('check', protoFile(), '--level', 'FULL')).code).toBe(0);
    writeFileSync(protoFile(), 'syntax = "proto3";\nmessage {');
    const broken = await cli('check', protoFile());
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain('is not a valid Protobuf schema');
  });

  it('takes the schema type from the subject with --registry', async () => {
    const server = await startRegistryServer({ port: 0 });
    try {
      await fetch(`${server.url}/subjects/customers-value/versions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ schemaType: 'PROTOBUF', schema: PROTO_V1 }),
      });
      writeFileSync(protoFile(), PROTO_V1.replace('package acme;', 'package acme.v2;'));
      const result = await cli(
        'check',
        protoFile(),
        '--registry',
        server.url,
        '--subject',
        'customers-value',
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('PACKAGE_CHANGED');
      const mismatch = await cli(
        'check',
        orderFile(),
        '--registry',
        server.url,
        '--subject',
        'customers-value',
      );
      expect(mismatch.code).toBe(2);
      expect(mismatch.stdout).toContain('holds PROTOBUF schemas');
    } finally {
      await server.close();
    }
  });
});

describe('the samsa-registry executable', () => {
  const bin = join(packageRoot, 'src', 'cli', 'main.ts');
  // scriptNodeArgs names tsx's loader by absolute URL: `--import tsx` would not resolve from the temporary repo.
  const node = (args: string[], cwd = repo) =>
    spawn(process.execPath, [...scriptNodeArgs(bin), ...args], {
      cwd,
      stdio: 'pipe',
      env: { ...process.env },
    });

  const finish = (child: ReturnType<typeof node>) =>
    new Promise<{ code: number | null; stdout: string }>((done) => {
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.on('close', (code) => done({ code, stdout }));
    });

  it('exits with the check result as its process exit code', async () => {
    writeFileSync(orderFile(), V3_BAD);
    expect((await finish(node(['check', 'schemas/order.avsc']))).code).toBe(1);
    writeFileSync(orderFile(), V3_OK);
    expect((await finish(node(['check', 'schemas/order.avsc']))).code).toBe(0);
    expect((await finish(node(['check']))).code).toBe(2);
  }, 60_000);

  it('serves the registry, logs that memory storage is not durable, and stops cleanly on SIGTERM', async () => {
    const child = node(['serve', '--port', '0'], packageRoot);
    const done = finish(child);
    const url = await new Promise<string>((found) => {
      let seen = '';
      child.stdout.on('data', (chunk) => {
        seen += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(seen);
        if (match && seen.includes('NOT durable')) found(match[1]!);
      });
    });
    expect(await (await fetch(`${url}/subjects`)).json()).toEqual([]);
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(code).toBe(0);
    expect(stdout).toContain('Stopped.');
  }, 60_000);

  it('exits 2 with a message when --kafka points at no Kafka, or with Kafka flags and no --kafka', async () => {
    const child = node(['serve', '--port', '0', '--kafka', '127.0.0.1:1'], packageRoot);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect((await finish(child)).code).toBe(2);
    expect(stderr).toMatch(/samsa-registry: could not start: .*Kafka store/);
    expect((await finish(node(['serve', '--topic', 'x'], packageRoot))).code).toBe(2);
  }, 60_000);

  it('takes --transactional-id with --kafka only, and not empty', async () => {
    const alone = await cli('serve', '--transactional-id', 'x');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--transactional-id only applies with --kafka');
    const empty = await cli('serve', '--kafka', '127.0.0.1:1', '--transactional-id', '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--transactional-id is empty (none: no transactions)');
  });

  it('generates code to a file', async () => {
    const out = join(repo, 'events.ts');
    writeFileSync(orderFile(), V3_OK);
    expect((await finish(node(['codegen', 'schemas/order.avsc', '--out', out]))).code).toBe(0);
    // A directory with an invalid schema is an input error.
    expect((await finish(node(['codegen', 'schemas', '--out', out]))).code).toBe(2);
    expect(execFileSync('cat', [out]).toString()).toContain('export interface Order {');
  }, 60_000);
});
