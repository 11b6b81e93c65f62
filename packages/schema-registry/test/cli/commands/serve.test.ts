import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startBroker } from '@samsa/broker-dev';
import { generateDevCertificates, writeDevCertificates } from '@samsa/cli-kit';
import { Kafka, LogLevel } from '@samsa/core-client';
import { type Background, startScript, waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import {
  basicAuthHeader,
  KARAPACE_TEST_PERMISSIONS,
  writeAuthorizationFile,
} from '../../server/fixtures-auth.js';

// `samsa-registry serve` with HTTPS (--tls auto), an authorization file (reloaded on SIGHUP) and the flags of its
// own Kafka connection's TLS and SASL.

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(packageRoot, 'src', 'cli', 'main.ts');

let dir: string;
const started: Background[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-registry-serve-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((served) => served.stop('SIGTERM')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function serve(args: string[], env: NodeJS.ProcessEnv = process.env): Background {
  const served = startScript(bin, ['serve', '--port', '0', ...args], { cwd: packageRoot, env });
  started.push(served);
  onTestFailed(() => console.log(`serve ${args.join(' ')} printed:\n${served.stdout()}${served.stderr()}`));
  return served;
}

/** GET over HTTPS trusting `ca`, as `user`; resolves with the status. */
function get(url: string, ca: string, user?: 'admin' | 'reader'): Promise<number> {
  return new Promise((done, fail) => {
    const headers = user ? { Authorization: basicAuthHeader(user) } : undefined;
    request(url, { ca, headers }, (answer) => {
      answer.resume();
      done(answer.statusCode ?? 0);
    })
      .on('error', fail)
      .end();
  });
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    waitForStop: () => new Promise(() => {}),
  });
  return { code, stdout, stderr };
}

describe('serve --tls auto --authorization-file', () => {
  it('serves HTTPS that a client trusting the printed CA reaches, enforcing the file, reloaded on SIGHUP', async () => {
    const authFile = join(dir, 'auth.json');
    await writeAuthorizationFile(authFile);
    const served = serve(['--tls', 'auto', '--authorization-file', authFile]);
    const [, caPath] = await served.waitForOutput(/clients must trust (\S+ca\.pem)/);
    const [, url] = await served.waitForOutput(/listening on (https:\/\/\S+)/);
    const ca = await readFile(caPath!, 'utf8');

    expect(await get(`${url}/subjects`, ca, 'admin')).toBe(200);
    expect(await get(`${url}/subjects`, ca)).toBe(401);
    expect(await get(`${url}/config`, ca, 'reader')).toBe(403);
    await expect(get(`${url}/subjects`, '', 'admin')).rejects.toThrow(/certificate/);

    await writeAuthorizationFile(authFile, [
      ...KARAPACE_TEST_PERMISSIONS,
      { username: 'reader', operation: 'Read', resource: 'Config:' },
    ]);
    served.child.kill('SIGHUP');
    await served.waitForOutput(/Reloaded the authorization file/, { stream: 'stderr' });
    expect(await get(`${url}/config`, ca, 'reader')).toBe(200);

    await writeFile(authFile, '{"users": []}');
    served.child.kill('SIGHUP');
    await served.waitForOutput(/Kept the previous authorization rules: .*permissions.*is missing/, {
      stream: 'stderr',
    });
    expect(await get(`${url}/config`, ca, 'reader')).toBe(200);
  });

  it('writes the CA where --tls-dir says', async () => {
    const tlsDir = join(dir, 'tls');
    const served = serve(['--tls', 'auto', '--tls-dir', tlsDir, '--basic-auth', 'ci:pw']);
    const [, caPath] = await served.waitForOutput(/clients must trust (\S+)/);
    expect(caPath).toBe(join(tlsDir, 'ca.pem'));
    await served.waitForOutput(/listening on https:/);
  });

  it('serves a given certificate and key', async () => {
    const made = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const files = await writeDevCertificates(join(dir, 'given'), made);
    const served = serve(['--tls-cert', files.certFile, '--tls-key', files.keyFile]);
    const [, url] = await served.waitForOutput(/listening on (https:\/\/\S+)/);
    expect(await get(`${url}/subjects`, made.ca.cert)).toBe(200);
  });
});

describe("serve's Kafka connection", () => {
  it('connects to Kafka over TLS with --kafka-ssl-ca, verifying the broker certificate', async () => {
    // A TLS listener standing in for a broker: it proves the registry's client made a verified TLS connection.
    const made = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const files = await writeDevCertificates(join(dir, 'kafka'), made);
    const handshakes: TLSSocket[] = [];
    const fakeBroker = createTlsServer(made.server, (socket) => {
      handshakes.push(socket);
      socket.destroy();
    });
    await new Promise<void>((listening) => fakeBroker.listen(0, '127.0.0.1', listening));
    try {
      const { port } = fakeBroker.address() as { port: number };
      serve(['--kafka', `127.0.0.1:${port}`, '--kafka-ssl-ca', files.caCertFile]);
      await waitFor('a TLS connection from the registry', () => handshakes.length > 0, { timeoutMs: 30_000 });
    } finally {
      await new Promise((closed) => fakeBroker.close(closed));
    }
  });

  it('stores schemas on a SASL_SSL dev broker (SCRAM-SHA-512)', async () => {
    const broker = await startBroker({
      listeners: ['SASL_SSL://127.0.0.1:0'],
      tls: { auto: true },
      sasl: { users: { registry: 'registry-secret' }, failedAuthenticationDelayMs: 0 },
    });
    try {
      const served = serve(
        [
          '--kafka',
          broker.bootstrapFor('SASL_SSL').join(','),
          '--kafka-ssl-ca',
          broker.tls!.caCertFile!,
          '--kafka-sasl-mechanism',
          'scram-sha-512',
          '--kafka-sasl-username',
          'registry',
        ],
        { ...process.env, SAMSA_REGISTRY_KAFKA_SASL_PASSWORD: 'registry-secret' },
      );
      const [, url] = await served.waitForOutput(/listening on (http:\/\/\S+),/);
      expect(served.stdout()).toContain('Storage: Kafka topic _schemas at');

      const registry = new SchemaRegistry({ host: url! });
      const schema = JSON.stringify({
        type: 'record',
        name: 'Order',
        namespace: 'com.acme',
        fields: [{ name: 'id', type: 'string' }],
      });
      const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'orders-value' });
      expect(await registry.getLatestSchemaId('orders-value')).toBe(id);
      expect(await registry.decode(await registry.encode(id, { id: 'o-1' }))).toEqual({ id: 'o-1' });

      // The schema is in the broker's _schemas topic, not only in the registry's memory.
      const admin = new Kafka({
        brokers: broker.bootstrapFor('SASL_SSL'),
        ssl: { ca: broker.tls!.caCert! },
        sasl: { mechanism: 'scram-sha-512', username: 'registry', password: 'registry-secret' },
        logLevel: LogLevel.NOTHING,
      }).admin();
      await admin.connect();
      const [partition] = await admin.fetchTopicOffsets('_schemas');
      await admin.disconnect();
      expect(Number(partition!.high)).toBeGreaterThan(0);
    } finally {
      await broker.stop();
    }
  });
});

describe('serve usage errors', () => {
  it.each([
    [['--tls', 'manual'], /Only "auto"; give your own certificate with --tls-cert and --tls-key/],
    [['--tls-cert', 'x.pem'], /--tls-cert needs --tls-key/],
    [['--tls', 'auto', '--tls-cert', 'x.pem', '--tls-key', 'y.pem'], /either --tls auto or --tls-cert/],
    [['--tls-dir', '/tmp/x'], /--tls-dir only applies with --tls auto/],
    [
      ['--tls-cert', '/nonexistent/cert.pem', '--tls-key', 'k'],
      /--tls-cert \/nonexistent\/cert.pem: no such file/,
    ],
    [['--kafka-sasl-mechanism', 'plain'], /--kafka-sasl-mechanism only applies with --kafka/],
    [
      ['--kafka', 'h:9092', '--kafka-sasl-mechanism', 'gssapi'],
      /'gssapi' is invalid. Expected one of plain, scram-sha-256, scram-sha-512/,
    ],
    [['--kafka', 'h:9092', '--kafka-sasl-mechanism', 'plain'], /needs --kafka-sasl-username/],
    [
      ['--kafka', 'h:9092', '--kafka-sasl-username', 'u'],
      /--kafka-sasl-username needs --kafka-sasl-mechanism/,
    ],
    [
      ['--kafka', 'h:9092', '--kafka-sasl-mechanism', 'SCRAM-SHA-512', '--kafka-sasl-username', 'u'],
      /needs the password in the environment variable SAMSA_REGISTRY_KAFKA_SASL_PASSWORD/,
    ],
    [['--kafka', 'h:9092', '--kafka-ssl-key', 'k.pem'], /--kafka-ssl-key needs --kafka-ssl-cert/],
    [
      ['--kafka', 'h:9092', '--kafka-ssl-ca', '/nonexistent/ca.pem'],
      /--kafka-ssl-ca \/nonexistent\/ca.pem: no such file/,
    ],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await cli(['serve', '--port', '0', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('does not start with a bad authorization file, saying where the problem is', async () => {
    const bad = join(dir, 'bad-auth.json');
    await writeFile(
      bad,
      JSON.stringify({
        users: [{ username: 'u', algorithm: 'md5', salt: '', password_hash: 'x' }],
        permissions: [],
      }),
    );
    const { code, stderr } = await cli(['serve', '--port', '0', '--authorization-file', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `could not start: Authorization file ${bad} at users[0].algorithm: must be one of`,
    );
  });
});
