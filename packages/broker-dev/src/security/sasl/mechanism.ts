/** What every server-side SASL mechanism implements, and how it fails. */

/** One step of an exchange: the bytes for the client, and whether authentication is done. */
export interface SaslStep {
  challenge: Buffer;
  complete: boolean;
  /** Once complete: who the client is (the user name, or the token's principal claim). */
  authorizationId?: string;
  /** Once complete: when the credential stops being valid (OAUTHBEARER token expiry), ms since the epoch. */
  credentialExpiresAt?: number;
}

export interface SaslMechanismServer {
  readonly mechanism: string;
  /** Consumes the client's next token. Throws SaslAuthenticationError when authentication fails. */
  evaluate(token: Buffer): SaslStep | Promise<SaslStep>;
}

/** Authentication failed; the message goes back to the client in SaslAuthenticate's ErrorMessage. */
export class SaslAuthenticationError extends Error {
  override name = 'SaslAuthenticationError';
}
