/**
 * SaslAuthenticate: v0-2.
 *
 * - One SASL token from the client, one back (KIP-152), after SaslHandshake v1 on a SASL listener. A
 *   failed authentication answers SASL_AUTHENTICATION_FAILED with the reason, after
 *   connection.failed.authentication.delay.ms, and closes the connection.
 * - v1+: the completing answer carries the session lifetime (KIP-368), 0 when the session does not expire.
 * - v2: flexible encoding.
 * - Without a SaslHandshake first, or on a listener without SASL: ILLEGAL_SASL_STATE.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { defineHandler, RespondThenClose } from './types.js';

export const saslAuthenticateHandler = defineHandler({
  apiKey: ApiKey.SaslAuthenticate,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,

  async handle(ctx, request) {
    if (!ctx.authentication) {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: `Listener ${ctx.listenerName} does not use SASL.`,
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
    }
    // The token's bytes may be reused once this returns; mechanisms may await (JWKS verification).
    const outcome = await ctx.authentication.authenticate(Buffer.from(request.authBytes), ctx.apiVersion);
    return outcome.close ? new RespondThenClose(outcome.response, outcome.close) : outcome.response;
  },

  errorResponse: (_ctx, _request, errorCode) => ({
    errorCode,
    errorMessage: null,
    authBytes: Buffer.alloc(0),
    sessionLifetimeMs: 0n,
  }),
});
