/**
 * A TLS alert the broker sends after the handshake looked done from our side: with TLS 1.3 the client
 * finishes first, so a broker that refuses the client certificate (mutual TLS) says so only then.
 * Retrying cannot fix that, so it is an AuthenticationError, not a retriable connection error.
 */
import { AuthenticationError } from '../errors.js';

export function tlsAlertError(err: Error & { code?: string }, label: string): AuthenticationError | null {
  const code = err.code ?? '';
  if (!/^ERR_SSL_.*ALERT/.test(code)) return null;
  const certificate = /CERTIFICATE|UNKNOWN_CA|ACCESS_DENIED|DECRYPT_ERROR/.test(code);
  return new AuthenticationError(
    `TLS: ${label} refused the connection (${code}). ` +
      (certificate
        ? 'It wants a client certificate it trusts (mutual TLS): set ssl.cert and ssl.key to a certificate ' +
          "signed by a CA in the broker's truststore."
        : 'Check the ssl options against the listener (TLS version, ciphers, client certificate).'),
    { cause: err },
  );
}
