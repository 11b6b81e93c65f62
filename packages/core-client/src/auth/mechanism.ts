/**
 * The pluggable SASL mechanism contract, KafkaJS's `authenticationProvider` shape, so a KafkaJS mechanism
 * (AWS MSK IAM and the like) plugs in unchanged: `sasl: { mechanism: 'aws', authenticationProvider }`.
 *
 * A provider is called once per authentication (first connect and every KIP-368 re-authentication)
 * and returns an authenticator whose `authenticate()` drives the SaslAuthenticate rounds through
 * `saslAuthenticate` (KafkaJS's request/response objects) or `exchange` (bytes in, bytes out). The
 * SaslHandshake before it, the session lifetime and failures are the client's business.
 */
import type { Logger } from '../logger.js';

/**
 * KafkaJS's request object: `encode()` returns the auth bytes as the wire writes them, with an int32
 * length prefix (a buffer without a matching prefix is sent as it is).
 */
export interface SaslAuthenticationRequest {
  encode(): Buffer | Promise<Buffer>;
}

/** KafkaJS's response object: `decode()` gets the broker's auth bytes with an int32 length prefix. */
export interface SaslAuthenticationResponse<ParseResult> {
  decode(rawResponse: Buffer): Buffer | Promise<Buffer>;
  parse(data: Buffer): ParseResult | Promise<ParseResult>;
}

export interface SaslAuthenticateArgs<ParseResult> {
  request: SaslAuthenticationRequest;
  response?: SaslAuthenticationResponse<ParseResult>;
}

export interface AuthenticationProviderArgs {
  host: string;
  port: number;
  logger: Logger;
  /** One SaslAuthenticate round with KafkaJS's request/response objects. */
  saslAuthenticate: <ParseResult>(
    args: SaslAuthenticateArgs<ParseResult>,
  ) => Promise<ParseResult | undefined>;
  /** One SaslAuthenticate round, plain bytes: sends `authBytes`, resolves with the broker's. */
  exchange: (authBytes: Buffer) => Promise<Buffer>;
}

export interface Authenticator {
  authenticate(): Promise<void>;
}

export type AuthenticationProvider = (args: AuthenticationProviderArgs) => Authenticator;

/**
 * A mechanism Samsa does not build in (KafkaJS's `Mechanism`). `mechanism` is what SaslHandshake asks
 * the broker for, upper-cased (`'aws'` becomes `AWS`; MSK IAM plugins usually name `AWS_MSK_IAM`).
 */
export interface CustomSaslOptions {
  mechanism: string;
  authenticationProvider: AuthenticationProvider;
}

/** Strips KafkaJS's int32 length prefix when it is there and matches. */
export function withoutLengthPrefix(bytes: Buffer): Buffer {
  if (bytes.length >= 4 && bytes.readInt32BE(0) === bytes.length - 4) return bytes.subarray(4);
  return bytes;
}

/** Adds the int32 length prefix KafkaJS response decoders expect. */
export function withLengthPrefix(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length + 4);
  out.writeInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}
