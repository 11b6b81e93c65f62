/**
 * SASL on a connection: SaslHandshake v1 then the mechanism's SaslAuthenticate rounds (KIP-152), on
 * first connect and again for every KIP-368 re-authentication. The mechanism is pluggable
 * (mechanism.ts); this module owns the handshake, failures and the session lifetime the broker grants.
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import { AuthenticationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Connection } from '../network/connection.js';
import { type SaslAuthenticateArgs, withLengthPrefix, withoutLengthPrefix } from './mechanism.js';
import type { ResolvedSasl } from './sasl-options.js';

export interface SaslSession {
  /** What SaslAuthenticate v1+ answered last: ms until the broker ends the session; 0 for no limit. */
  sessionLifetimeMs: number;
}

export async function authenticate(
  connection: Connection,
  sasl: ResolvedSasl,
  label: string,
  logger: Logger,
): Promise<SaslSession> {
  const { mechanism } = sasl;
  const handshakeVersion = Math.min(connection.brokerVersions.get(ApiKey.SaslHandshake)?.max ?? -1, 1);
  if (handshakeVersion < 1 || !connection.brokerVersions.has(ApiKey.SaslAuthenticate)) {
    throw new AuthenticationError(
      `${label} does not support SaslHandshake v1 + SaslAuthenticate (Kafka >= 1.0 does); is this a SASL listener?`,
    );
  }
  const handshake = await connection.requestInternal(ApiKey.SaslHandshake, 1, { mechanism }, {}, false);
  if (handshake.errorCode !== 0) {
    throw new AuthenticationError(
      `${label} does not enable SASL mechanism ${mechanism}; it offers ${handshake.mechanisms.join(', ') || 'none'}`,
    );
  }
  const authVersion = connection.versionFor(ApiKey.SaslAuthenticate);
  const session: SaslSession = { sessionLifetimeMs: 0 };
  let rounds = 0;
  const exchange = async (authBytes: Buffer): Promise<Buffer> => {
    rounds++;
    const res = await connection.requestInternal(
      ApiKey.SaslAuthenticate,
      authVersion,
      { authBytes },
      {},
      false,
    );
    if (res.errorCode !== 0) {
      throw new AuthenticationError(
        `SASL ${mechanism} authentication as ${sasl.identity} failed at ${label}: ` +
          `${res.errorMessage ?? `error code ${res.errorCode}`}. Check the credentials and the mechanism.`,
      );
    }
    session.sessionLifetimeMs = Number(res.sessionLifetimeMs ?? 0n);
    return res.authBytes;
  };
  const saslAuthenticate = async <T>({
    request,
    response,
  }: SaslAuthenticateArgs<T>): Promise<T | undefined> => {
    const reply = await exchange(withoutLengthPrefix(Buffer.from(await request.encode())));
    if (!response) return undefined;
    return response.parse(await response.decode(withLengthPrefix(reply)));
  };
  const { host, port } = connection.config;
  try {
    await sasl
      .authenticationProvider({
        host,
        port,
        logger: logger.namespace(`sasl-${mechanism.toLowerCase()}`),
        saslAuthenticate,
        exchange,
      })
      .authenticate();
  } catch (err) {
    if (err instanceof AuthenticationError || connection.state === 'closed') throw err;
    // A custom mechanism's own error: keep it as the cause of a non-retriable authentication failure.
    throw new AuthenticationError(
      `SASL ${mechanism} authentication failed at ${label}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (rounds === 0) {
    throw new AuthenticationError(
      `SASL ${mechanism} at ${label}: the authentication provider finished without sending anything to the broker`,
    );
  }
  return session;
}
