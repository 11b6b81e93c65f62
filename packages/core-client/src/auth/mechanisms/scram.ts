/** SASL SCRAM-SHA-256/512 (RFC 5802, RFC 7677): client-first, client-final, then the server's signature. */
import { AuthenticationError } from '../../errors.js';
import type { AuthenticationProvider } from '../mechanism.js';
import { ScramClient, ScramError } from '../scram.js';

export interface ScramSaslOptions {
  mechanism: 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export function scramProvider(options: ScramSaslOptions): AuthenticationProvider {
  const hash = options.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512';
  return ({ exchange, host, port }) => ({
    async authenticate() {
      const scram = new ScramClient(hash, options.username, options.password);
      try {
        const serverFirst = await exchange(Buffer.from(scram.clientFirst(), 'utf8'));
        const serverFinal = await exchange(
          Buffer.from(scram.clientFinal(serverFirst.toString('utf8')), 'utf8'),
        );
        scram.verifyServerFinal(serverFinal.toString('utf8'));
      } catch (err) {
        if (err instanceof ScramError) {
          throw new AuthenticationError(
            `SASL ${options.mechanism.toUpperCase()} at ${host}:${port}: ${err.message}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    },
  });
}
