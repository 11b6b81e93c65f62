/**
 * The SASL state of one connection to a SASL listener, as Kafka's SaslServerAuthenticator keeps it:
 *
 * - Before authentication only ApiVersions and SaslHandshake are accepted, then SaslAuthenticate rounds
 *   (handshake v1, KIP-152) or raw size-prefixed SASL tokens (handshake v0, as kafka-python 2.0 sends them).
 *   Any other request closes the connection.
 * - Frames are limited to sasl.server.max.receive.size until the client is authenticated.
 * - A failure answers with SASL_AUTHENTICATION_FAILED (or closes, for raw tokens) after
 *   connection.failed.authentication.delay.ms, then closes: brute force costs a connection and a delay per try.
 * - KIP-368: the session lifetime is connections.max.reauth.ms, shortened to the credential's expiry
 *   (an OAUTHBEARER token's exp). A client re-authenticates with SaslHandshake + SaslAuthenticate on the same
 *   connection, with the same mechanism and principal; a request other than SaslHandshake after the session
 *   has expired closes the connection. Clients that cannot learn the lifetime (SaslAuthenticate v0, raw
 *   tokens) are not expired, as in Kafka.
 */
import {
  ApiKey,
  ErrorCode,
  type SaslAuthenticateResponse,
  type SaslHandshakeResponse,
} from '@samsa/protocol';
import type { Logger } from '../../logger.js';
import { SaslAuthenticationError, type SaslMechanismServer, type SaslStep } from './mechanism.js';

/** What the authenticator changes on its connection. */
export interface AuthenticatingConnection {
  readonly remote: string;
  principal: string;
  /** The largest frame the connection reads (lowered until the client is authenticated). */
  setFrameLimit(bytes: number | undefined, name: string): void;
}

export interface SaslServerSettings {
  /** Mechanisms clients may pick, as SaslHandshake lists them. */
  readonly enabledMechanisms: readonly string[];
  /** A fresh server for one exchange of `mechanism` (one of the enabled ones). */
  createMechanism(mechanism: string): SaslMechanismServer;
  /** connections.max.reauth.ms; 0: sessions do not expire unless their credential does. */
  readonly maxReauthMs: number;
  /** connection.failed.authentication.delay.ms. */
  readonly failedAuthenticationDelayMs: number;
  /** sasl.server.max.receive.size. */
  readonly maxReceiveBytes: number;
  readonly logger: Logger;
  readonly nodeId: number;
  readonly listenerName: string;
}

/** An answer, and whether the connection closes after it (with the reason to log). */
export interface SaslOutcome<R> {
  response: R;
  close?: string;
}

/** A raw token to send back (handshake v0), or the reason the connection closes instead. */
export type RawTokenOutcome = { token: Buffer } | { close: string };

type State =
  /** Waiting for ApiVersions or SaslHandshake. */
  | 'handshake'
  /** Handshake done, SaslAuthenticate requests (or raw tokens) until the mechanism completes. */
  | 'authenticate'
  | 'authenticated'
  | 'failed';

export class SaslAuthenticator {
  private state: State = 'handshake';
  private mechanism: SaslMechanismServer | undefined;
  private rawTokens = false;
  /** The mechanism and principal of the first authentication: re-authentication must keep both. */
  private authenticatedMechanism: string | undefined;
  private authenticatedPrincipal: string | undefined;
  private sessionExpiresAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly settings: SaslServerSettings,
    private readonly connection: AuthenticatingConnection,
  ) {
    connection.setFrameLimit(settings.maxReceiveBytes, 'sasl.server.max.receive.size');
  }

  /** The next frame is a raw SASL token, not a Kafka request (after SaslHandshake v0). */
  get expectsRawToken(): boolean {
    return this.rawTokens && this.state === 'authenticate';
  }

  get authenticated(): boolean {
    return this.state === 'authenticated';
  }

  private now(): number {
    return Date.now();
  }

  private get reauthenticating(): boolean {
    return this.authenticatedPrincipal !== undefined;
  }

  /** Why a request with this API key must close the connection now, or undefined when it may go on. */
  refusal(apiKey: number): string | undefined {
    if (this.state === 'authenticated') {
      if (apiKey !== ApiKey.SaslHandshake && this.now() >= this.sessionExpiresAt) {
        return `the SASL session of ${this.authenticatedPrincipal} expired without re-authentication (connections.max.reauth.ms or credential expiry)`;
      }
      return undefined;
    }
    if (this.state === 'handshake' && (apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake))
      return undefined;
    if (this.state === 'authenticate' && apiKey === ApiKey.SaslAuthenticate) return undefined;
    return `unexpected request (API key ${apiKey}) during SASL ${this.state === 'handshake' ? 'handshake' : 'authentication'} on listener ${this.settings.listenerName}`;
  }

  private log(message: string): void {
    this.settings.logger.info(`node ${this.settings.nodeId}: ${this.connection.remote}: ${message}`);
  }

  handshake(
    mechanism: string,
    version: number,
  ): SaslOutcome<SaslHandshakeResponse> | Promise<SaslOutcome<SaslHandshakeResponse>> {
    const mechanisms = [...this.settings.enabledMechanisms];
    if (this.state === 'authenticated') {
      // KIP-368 re-authentication: only with SaslAuthenticate (handshake v1+) and the same mechanism.
      if (version < 1 || mechanism !== this.authenticatedMechanism) {
        return this.fail(
          { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms },
          `re-authentication with ${mechanism} (handshake v${version}) after ${this.authenticatedMechanism} is not allowed`,
        );
      }
    } else if (this.state !== 'handshake') {
      return {
        response: { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms },
        close: 'SaslHandshake repeated during SASL authentication',
      };
    }
    if (!mechanisms.includes(mechanism)) {
      return this.fail(
        { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms },
        `asked for SASL mechanism ${JSON.stringify(mechanism)}; listener ${this.settings.listenerName} enables ${mechanisms.join(', ')}`,
      );
    }
    this.mechanism = this.settings.createMechanism(mechanism);
    this.rawTokens = version === 0;
    this.state = 'authenticate';
    this.connection.setFrameLimit(this.settings.maxReceiveBytes, 'sasl.server.max.receive.size');
    return { response: { errorCode: ErrorCode.NONE, mechanisms } };
  }

  async authenticate(authBytes: Buffer, version: number): Promise<SaslOutcome<SaslAuthenticateResponse>> {
    const answer = (
      errorCode: number,
      errorMessage: string | null,
      bytes: Buffer = Buffer.alloc(0),
      lifetime = 0,
    ): SaslAuthenticateResponse => ({
      errorCode,
      errorMessage,
      authBytes: bytes,
      sessionLifetimeMs: BigInt(lifetime),
    });
    if (this.state !== 'authenticate' || !this.mechanism || this.rawTokens) {
      return {
        response: answer(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate without a SaslHandshake v1 first'),
        close: 'SaslAuthenticate outside of a SASL handshake',
      };
    }
    const step = await this.evaluate(authBytes);
    if (step instanceof SaslAuthenticationError) {
      return this.fail(answer(ErrorCode.SASL_AUTHENTICATION_FAILED, step.message), step.message);
    }
    if (!step.complete) return { response: answer(ErrorCode.NONE, null, step.challenge) };
    const refused = this.complete(step, version >= 1);
    if (refused) return this.fail(answer(ErrorCode.SASL_AUTHENTICATION_FAILED, refused), refused);
    const lifetime = Number.isFinite(this.sessionExpiresAt)
      ? Math.max(0, this.sessionExpiresAt - this.now())
      : 0;
    return { response: answer(ErrorCode.NONE, null, step.challenge, lifetime) };
  }

  /** A raw SASL token (after SaslHandshake v0): the next token for the client, or close on failure. */
  async rawToken(token: Buffer): Promise<RawTokenOutcome> {
    const step = await this.evaluate(token);
    if (step instanceof SaslAuthenticationError) {
      await this.delayFailure(step.message);
      return { close: `SASL authentication failed: ${step.message}` };
    }
    if (step.complete) {
      const refused = this.complete(step, false);
      if (refused) {
        await this.delayFailure(refused);
        return { close: `SASL authentication failed: ${refused}` };
      }
    }
    return { token: step.challenge };
  }

  private async evaluate(token: Buffer): Promise<SaslStep | SaslAuthenticationError> {
    try {
      return await this.mechanism!.evaluate(token);
    } catch (err) {
      if (err instanceof SaslAuthenticationError) return err;
      this.settings.logger.error(
        `node ${this.settings.nodeId}: SASL ${this.mechanism!.mechanism} failed unexpectedly: ${(err as Error)?.stack ?? err}`,
      );
      return new SaslAuthenticationError('Authentication failed due to an internal error');
    }
  }

  /** Takes the completed step's identity; a reason when re-authentication may not change to it. */
  private complete(step: SaslStep, canExpire: boolean): string | undefined {
    const principal = `User:${step.authorizationId ?? ''}`;
    const mechanism = this.mechanism!.mechanism;
    if (this.reauthenticating && principal !== this.authenticatedPrincipal) {
      return `Cannot change principals during re-authentication from ${this.authenticatedPrincipal}: ${principal}`;
    }
    const now = this.now();
    let expiresAt = Number.POSITIVE_INFINITY;
    if (canExpire) {
      if (this.settings.maxReauthMs > 0) expiresAt = now + this.settings.maxReauthMs;
      if (step.credentialExpiresAt !== undefined) expiresAt = Math.min(expiresAt, step.credentialExpiresAt);
    }
    const again = this.reauthenticating;
    this.sessionExpiresAt = expiresAt;
    this.authenticatedMechanism = mechanism;
    this.authenticatedPrincipal = principal;
    this.connection.principal = principal;
    this.state = 'authenticated';
    this.mechanism = undefined;
    this.connection.setFrameLimit(undefined, '');
    this.log(
      `${again ? 're-authenticated' : 'authenticated'} as ${principal} with ${mechanism}` +
        (Number.isFinite(expiresAt) ? `, session lifetime ${expiresAt - now} ms` : ''),
    );
    return undefined;
  }

  /** Logs the failure, waits connection.failed.authentication.delay.ms, and answers before closing. */
  private async fail<R>(response: R, reason: string): Promise<SaslOutcome<R>> {
    await this.delayFailure(reason);
    return { response, close: `SASL authentication failed: ${reason}` };
  }

  private async delayFailure(reason: string): Promise<void> {
    this.state = 'failed';
    this.mechanism = undefined;
    this.log(`SASL authentication failed on listener ${this.settings.listenerName}: ${reason}`);
    const delay = this.settings.failedAuthenticationDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
