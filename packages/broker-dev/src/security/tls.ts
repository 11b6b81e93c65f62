/**
 * The broker's TLS material: PEM certificate and key given by the user, or (`auto`) a throwaway CA and
 * broker certificate made at start and written where clients can find the CA. Client authentication follows
 * Kafka's ssl.client.auth: `required` refuses clients without a certificate the trusted CAs signed,
 * `requested` asks for one but lets clients without one in (a certificate that does not verify is refused
 * either way), `none` does not ask.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TlsOptions } from 'node:tls';
import {
  type DevCertificateFiles,
  generateDevCertificates,
  readDevCa,
  writeDevCertificates,
} from '@samsa/cli-kit';

export const CLIENT_AUTH_MODES = ['none', 'requested', 'required'] as const;
export type ClientAuth = (typeof CLIENT_AUTH_MODES)[number];

export interface BrokerTlsOptions {
  /** Generate a CA and a broker certificate at start instead of using `cert` and `key`. */
  auto?: boolean;
  /** PEM certificate chain of the broker. */
  cert?: string | Buffer;
  /** PEM private key of the broker. */
  key?: string | Buffer;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** PEM CAs whose client certificates are trusted (with `auto`, the generated CA is trusted too). */
  ca?: string | Buffer;
  /** ssl.client.auth (default none). */
  clientAuth?: ClientAuth;
  /** With `auto`: where the files go (default <dataDir>/tls, or a new temporary directory). */
  dir?: string;
}

/** What the broker's TLS listeners use, and what clients need to trust them. */
export interface BrokerTls {
  readonly options: TlsOptions;
  readonly clientAuth: ClientAuth;
  /** PEM of the CA that signed the broker certificate, when the broker made it (`auto`). */
  readonly caCert?: string;
  /** Where `auto` wrote the CA, the broker certificate and their keys. */
  readonly files?: DevCertificateFiles;
}

/** Resolves the TLS options; `hosts` are the names and addresses clients reach the broker at (auto). */
export async function prepareTls(
  options: BrokerTlsOptions,
  context: { dataDir?: string; hosts: readonly string[] },
): Promise<BrokerTls> {
  const clientAuth = options.clientAuth ?? 'none';
  if (!CLIENT_AUTH_MODES.includes(clientAuth)) {
    throw new TypeError(
      `tls.clientAuth must be one of ${CLIENT_AUTH_MODES.join(', ')}, got '${clientAuth}'.`,
    );
  }
  // Certificates are checked after the handshake (server/listener.ts), so refusals are logged.
  const clientAuthOptions: TlsOptions = { requestCert: clientAuth !== 'none', rejectUnauthorized: false };
  if (options.auto) {
    if (options.cert !== undefined || options.key !== undefined) {
      throw new TypeError('tls: give either auto or cert and key, not both.');
    }
    const dir =
      options.dir ??
      (context.dataDir !== undefined
        ? join(context.dataDir, 'tls')
        : await mkdtemp(join(tmpdir(), 'samsa-broker-tls-')));
    // The CA survives restarts with a data dir, so clients that trust it keep working.
    const ca = await readDevCa(dir);
    const hosts = [...new Set([...context.hosts, 'localhost', '127.0.0.1', '::1'])];
    const certs = await generateDevCertificates({ hosts, commonName: 'samsa-broker', ca });
    const files = await writeDevCertificates(dir, certs);
    const trusted = [certs.ca.cert, ...(options.ca !== undefined ? [options.ca.toString()] : [])];
    return {
      options: { cert: certs.server.cert, key: certs.server.key, ca: trusted, ...clientAuthOptions },
      clientAuth,
      caCert: certs.ca.cert,
      files,
    };
  }
  if (options.cert === undefined || options.key === undefined) {
    throw new TypeError('tls needs cert and key (PEM), or auto: true.');
  }
  if (clientAuth !== 'none' && options.ca === undefined) {
    throw new TypeError(
      `tls.clientAuth=${clientAuth} needs tls.ca: the CAs whose client certificates to trust.`,
    );
  }
  return {
    options: {
      cert: options.cert,
      key: options.key,
      passphrase: options.passphrase,
      ...(options.ca !== undefined && { ca: options.ca }),
      ...clientAuthOptions,
    },
    clientAuth,
  };
}

/**
 * The same TLS without client certificates: what SASL_SSL listeners use, since Kafka applies ssl.client.auth
 * to them only when set for that listener (KIP-684); SASL authenticates their clients.
 */
export function withoutClientAuth(tls: BrokerTls): BrokerTls {
  return {
    ...tls,
    clientAuth: 'none',
    options: { ...tls.options, requestCert: false, rejectUnauthorized: false },
  };
}

/** How long a client may take to finish the TLS handshake. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * A TLS server that never listens: a listener hands it accepted sockets (`emit('connection', socket)`) and
 * it runs the handshake, with client-certificate checks, for them. Throws on unusable PEM.
 */
export function createTlsServer(tls: BrokerTls): Server {
  return createServer({ ...tls.options, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS });
}
