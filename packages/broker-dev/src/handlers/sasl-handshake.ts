/**
 * SaslHandshake: v0-1.
 *
 * - On a SASL listener, the first step of authentication (and of KIP-368 re-authentication): the client
 *   names a mechanism; the answer lists the enabled ones, with UNSUPPORTED_SASL_MECHANISM (and the
 *   connection closed) when the mechanism is not among them. v0: the SASL tokens that follow are raw
 *   size-prefixed frames; v1: they travel in SaslAuthenticate requests (security/sasl/authenticator.ts).
 * - On a listener without SASL: ILLEGAL_SASL_STATE, as Kafka answers there, and no mechanisms.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { defineHandler, RespondThenClose } from './types.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,

  async handle(ctx, request) {
    if (!ctx.authentication) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const outcome = await ctx.authentication.handshake(request.mechanism, ctx.apiVersion);
    return outcome.close ? new RespondThenClose(outcome.response, outcome.close) : outcome.response;
  },

  errorResponse: (_ctx, _request, errorCode) => ({ errorCode, mechanisms: [] }),
});
