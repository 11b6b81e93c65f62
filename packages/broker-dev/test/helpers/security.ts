/** Secure listeners for tests: a broker with TLS (auto) and SASL users, client certificates, a CA no one trusts. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevCa, issueClientCertificate } from '@samsa/cli-kit';
import { type BrokerOptions, type Logger, type RunningBroker, startBroker } from '../../src/index.js';

export interface SecureBroker {
  broker: RunningBroker;
  /** The broker's CA (PEM) and its file. */
  caCert: string;
  caFile: string;
  /** A client certificate the broker's CA signed, as PEM and as files. */
  client: { cert: string; key: string; certFile: string; keyFile: string; subject: string };
  /** A client certificate from a CA the broker does not trust, and that CA's file. */
  stranger: { cert: string; key: string; certFile: string; keyFile: string; caFile: string };
  /** Every log line, debug included. */
  lines: string[];
  dir: string;
  stop(): Promise<void>;
}

export const USERS = { alice: 'alice-secret', bob: 'bob-secret' } as const;

/** A broker with PLAINTEXT, SSL (client certificates required), SASL_PLAINTEXT and SASL_SSL listeners. */
export async function startSecureBroker(options: BrokerOptions = {}): Promise<SecureBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'samsa-secure-broker-'));
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(`ERROR ${m}`),
  };
  const broker = await startBroker({
    listeners: [
      'PLAINTEXT://127.0.0.1:0',
      'SSL://127.0.0.1:0',
      'SASL_PLAINTEXT://127.0.0.1:0',
      'SASL_SSL://127.0.0.1:0',
    ],
    tls: { auto: true, dir: join(dir, 'tls'), clientAuth: 'required' },
    sasl: { users: USERS, failedAuthenticationDelayMs: 10 },
    logger,
    ...options,
  });
  const caFile = broker.tls!.caCertFile!;
  const caCert = await readFile(caFile, 'utf8');
  const caKey = await readFile(join(dir, 'tls', 'ca-key.pem'), 'utf8');
  const subject = 'CN=test-client, OU=interop, O=Samsa tests';
  const clientPair = await issueClientCertificate({ cert: caCert, key: caKey }, subject);
  const otherCa = await generateDevCa('stranger CA');
  const strangerPair = await issueClientCertificate(otherCa, 'CN=stranger');
  const write = async (name: string, content: string) => {
    const file = join(dir, name);
    await writeFile(file, content, { mode: 0o600 });
    return file;
  };
  return {
    broker,
    caCert,
    caFile,
    client: {
      ...clientPair,
      subject,
      certFile: await write('client.pem', clientPair.cert),
      keyFile: await write('client-key.pem', clientPair.key),
    },
    stranger: {
      ...strangerPair,
      certFile: await write('stranger.pem', strangerPair.cert),
      keyFile: await write('stranger-key.pem', strangerPair.key),
      caFile: await write('stranger-ca.pem', otherCa.cert),
    },
    lines,
    dir,
    async stop() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
