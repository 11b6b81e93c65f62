/**
 * SASL on a freshly negotiated connection: SaslHandshake v1 then SaslAuthenticate rounds
 * (KIP-152). PLAIN and SCRAM-SHA-256/512 with KafkaJS's option shape.
 */
import { ApiKey } from '@samsa/protocol';
import type { SaslOptions } from '../config/client-options.js';
import { AuthenticationError } from '../errors.js';
import type { Connection } from '../network/connection.js';
import { ScramClient, ScramError } from './scram.js';

export async function authenticate(connection: Connection, sasl: SaslOptions, label: string): Promise<void> {
  const mechanism = sasl.mechanism.toUpperCase();
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
  const authVersion = Math.min(connection.brokerVersions.get(ApiKey.SaslAuthenticate)!.max, 2);
  const exchange = async (bytes: Buffer): Promise<Buffer> => {
    const res = await connection.requestInternal(
      ApiKey.SaslAuthenticate,
      authVersion,
      { authBytes: bytes },
      {},
      false,
    );
    if (res.errorCode !== 0) {
      throw new AuthenticationError(
        `SASL ${mechanism} authentication as ${JSON.stringify(sasl.username)} failed at ${label}: ` +
          `${res.errorMessage ?? `error code ${res.errorCode}`}. Check the username, password and mechanism.`,
      );
    }
    return res.authBytes;
  };
  if (mechanism === 'PLAIN') {
    await exchange(Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'));
    return;
  }
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const scram = new ScramClient(hash, sasl.username, sasl.password);
  try {
    const serverFirst = await exchange(Buffer.from(scram.clientFirst(), 'utf8'));
    const serverFinal = await exchange(Buffer.from(scram.clientFinal(serverFirst.toString('utf8')), 'utf8'));
    scram.verifyServerFinal(serverFinal.toString('utf8'));
  } catch (err) {
    if (err instanceof ScramError) {
      throw new AuthenticationError(`SASL ${mechanism} at ${label}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
