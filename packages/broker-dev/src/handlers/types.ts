/** The shape every API handler has, and what it gets to work with. */
import type { RequestBodies, RequestHeader, ResponseBodies } from '@samsa/protocol';
import type { Cluster } from '../cluster/cluster.js';
import type { BrokerNode } from '../cluster/nodes.js';
import type { SaslAuthenticator } from '../security/sasl/authenticator.js';
import type { CredentialStore } from '../security/sasl/credentials.js';

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no response');

/** Returned by a handler that wants the connection closed instead of answered. */
export class CloseConnection {
  constructor(readonly reason: string) {}
}

/** Returned by a handler whose response is the last thing the connection sends (failed authentication). */
export class RespondThenClose<R> {
  constructor(
    readonly response: R,
    readonly reason: string,
  ) {}
}

export type HandlerOutcome<R> = R | typeof NO_RESPONSE | CloseConnection | RespondThenClose<R>;

export interface RequestContext {
  readonly cluster: Cluster;
  /** The broker whose listener received the request. */
  readonly node: BrokerNode;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  /** Aborted when the client disconnects; long waits should give up then. */
  readonly signal: AbortSignal;
  /** The client's IP address, for ACL host checks, logs and DescribeGroups. */
  readonly clientHost: string;
  /**
   * The request's bytes (and the Buffers decoded from them) are never reused, so the handler may
   * keep them; otherwise they are only valid until the handler's synchronous part returns.
   */
  readonly requestBytesOwned: boolean;
  /**
   * Who sent the request, as Kafka's KafkaPrincipal string: `User:ANONYMOUS` on a PLAINTEXT listener or
   * before authentication, `User:<name>` after SASL, `User:<certificate subject>` for mutual TLS.
   */
  readonly principal: string;
  /** The listener the request came in on: Metadata and FindCoordinator answer with its addresses. */
  readonly listenerName: string;
  /** The connection's SASL state, on SASL listeners only (SaslHandshake, SaslAuthenticate). */
  readonly authentication: SaslAuthenticator | undefined;
  /** SASL users: passwords and SCRAM credentials (DescribeUserScramCredentials, AlterUserScramCredentials). */
  readonly credentials: CredentialStore;
}

export type ApiKeyNumber = keyof RequestBodies & keyof ResponseBodies;

export interface ApiHandler<K extends ApiKeyNumber = ApiKeyNumber> {
  readonly apiKey: K;
  readonly name: string;
  /** Advertised range in ApiVersions; every version in it is answered. */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(
    ctx: RequestContext,
    request: RequestBodies[K],
  ): HandlerOutcome<ResponseBodies[K]> | Promise<HandlerOutcome<ResponseBodies[K]>>;
  /**
   * The response Kafka gives when the whole request fails with `errorCode` (every topic,
   * partition or group of the request carries it). Used for injected faults and internal errors.
   */
  errorResponse(ctx: RequestContext, request: RequestBodies[K], errorCode: number): ResponseBodies[K];
}

/** Helper so handler files get their request/response types inferred from the API key. */
export function defineHandler<K extends ApiKeyNumber>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}

/**
 * A handler of any API, for tables keyed by API key. Handlers are contravariant in their request
 * type, so no union of the specific handler types fits; the dispatcher pairs each request with its
 * own API's handler.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyApiHandler = ApiHandler<any>;
