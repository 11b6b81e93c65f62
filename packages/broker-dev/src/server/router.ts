/**
 * Turns one request frame into a response: header decoding, the version checks Kafka applies,
 * fault injection, the handler, and encoding. Bad input never throws out of here: a request
 * that cannot be understood closes its connection with a log line (what Kafka does), a handler
 * failure becomes the API's error response, and other connections carry on.
 */
import {
  ApiKey,
  decodeRequestBody,
  decodeRequestHeader,
  ErrorCode,
  encodeResponse,
  errorCodeName,
  FRAME_SIZE_BYTES,
  type RequestBodies,
  type RequestHeader,
} from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import type { Cluster } from '../cluster/cluster.js';
import type { BrokerNode } from '../cluster/nodes.js';
import type { FaultInjector } from '../control/faults.js';
import { API_VERSIONS_MAX, unsupportedApiVersionsResponse } from '../handlers/api-versions.js';
import { HANDLERS } from '../handlers/index.js';
import {
  type AnyApiHandler,
  CloseConnection,
  type HandlerOutcome,
  NO_RESPONSE,
  type RequestContext,
  RespondThenClose,
} from '../handlers/types.js';
import type { Logger } from '../logger.js';
import type { SaslAuthenticator } from '../security/sasl/authenticator.js';
import type { CredentialStore } from '../security/sasl/credentials.js';
import type { Connection, FrameResult } from './connection.js';

export type RequestObserver = (event: {
  nodeId: number;
  apiKey: number;
  apiVersion: number;
  clientId: string | null;
  correlationId: number;
}) => void;

export class RequestRouter {
  constructor(
    private readonly cluster: Cluster,
    private readonly faults: FaultInjector,
    private readonly logger: Logger,
    private readonly credentials: CredentialStore,
    private readonly observe?: RequestObserver,
  ) {}

  /** `owned`: the frame's bytes are never reused, so handlers may keep slices of them. */
  handleFrame(node: BrokerNode, connection: Connection, frame: Buffer, owned: boolean): FrameResult {
    const authentication = connection.authentication;
    if (authentication?.expectsRawToken) return this.rawSaslToken(connection, authentication, frame);
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({ header, bodyOffset } = decodeRequestHeader(frame));
    } catch (err) {
      connection.close(`malformed request header: ${(err as Error).message}`);
      return null;
    }
    const { apiKey, apiVersion, correlationId } = header;
    this.observe?.({ nodeId: node.id, apiKey, apiVersion, clientId: header.clientId, correlationId });
    const refusal = authentication?.refusal(apiKey);
    if (refusal) {
      connection.close(refusal, 'info');
      return null;
    }
    const handler = HANDLERS.get(apiKey);
    if (apiKey === ApiKey.ApiVersions && apiVersion > API_VERSIONS_MAX) {
      // KIP-511: answer in v0 format so the client learns which version to retry with.
      return this.encode(connection, header, 0, unsupportedApiVersionsResponse());
    }
    if (!handler) {
      connection.close(`unknown or unsupported API key ${apiKey} (client ${header.clientId ?? '-'})`);
      return null;
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      connection.close(
        `${handler.name} v${apiVersion} is not supported (v${handler.minVersion}-v${handler.maxVersion} are; client ${header.clientId ?? '-'})`,
      );
      return null;
    }
    let body: unknown;
    try {
      body = decodeRequestBody(apiKey as keyof RequestBodies, apiVersion, frame, bodyOffset);
    } catch (err) {
      connection.close(`malformed ${handler.name} v${apiVersion} request: ${(err as Error).message}`);
      return null;
    }
    const ctx: RequestContext = {
      cluster: this.cluster,
      node,
      header,
      apiVersion,
      signal: connection.signal,
      clientHost: connection.address || 'unknown',
      requestBytesOwned: owned,
      principal: connection.principal,
      listenerName: connection.listenerName,
      authentication,
      credentials: this.credentials,
    };

    const fault = this.faults.take(apiKey, node.id);
    if (fault?.dropConnection) {
      this.logger.info(
        `node ${node.id}: fault injection drops the connection on ${handler.name} from ${connection.remote}`,
      );
      connection.destroy();
      return null;
    }
    if (fault?.ignore) {
      this.logger.info(`node ${node.id}: fault injection swallows ${handler.name} from ${connection.remote}`);
      return null;
    }
    let outcome: HandlerOutcome<unknown> | Promise<HandlerOutcome<unknown>>;
    if (fault?.errorCode !== undefined) {
      this.logger.debug(
        `node ${node.id}: fault injection answers ${handler.name} with ${errorCodeName(fault.errorCode)}`,
      );
      outcome = this.safeErrorResponse(handler, ctx, body, fault.errorCode);
    } else {
      outcome = this.run(handler, ctx, body);
    }
    if (fault?.latencyMs) {
      const delay = fault.latencyMs;
      outcome = Promise.resolve(outcome).then(
        (value) => new Promise((resolve) => setTimeout(() => resolve(value), delay)),
      );
    }
    if (fault?.dropResponse) {
      const lose = () => {
        this.logger.info(
          `node ${node.id}: fault injection loses the ${handler.name} response to ${connection.remote}`,
        );
        connection.destroy();
        return null;
      };
      return outcome instanceof Promise ? outcome.then(lose, lose) : lose();
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (value) => this.finish(connection, header, handler, value),
        (err: unknown) => this.finish(connection, header, handler, this.failure(handler, ctx, body, err)),
      );
    }
    return this.finish(connection, header, handler, outcome);
  }

  private run(handler: AnyApiHandler, ctx: RequestContext, body: unknown) {
    try {
      return handler.handle(ctx, body as never) as HandlerOutcome<unknown> | Promise<HandlerOutcome<unknown>>;
    } catch (err) {
      return this.failure(handler, ctx, body, err);
    }
  }

  private failure(
    handler: AnyApiHandler,
    ctx: RequestContext,
    body: unknown,
    err: unknown,
  ): HandlerOutcome<unknown> {
    const code = errorCodeOf(err);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
      this.logger.error(
        `node ${ctx.node.id}: ${handler.name} v${ctx.apiVersion} failed: ${(err as Error)?.stack ?? err}`,
      );
    }
    return this.safeErrorResponse(handler, ctx, body, code);
  }

  private safeErrorResponse(
    handler: AnyApiHandler,
    ctx: RequestContext,
    body: unknown,
    code: number,
  ): HandlerOutcome<unknown> {
    try {
      return handler.errorResponse(ctx, body as never, code);
    } catch (err) {
      this.logger.error(
        `node ${ctx.node.id}: cannot build a ${handler.name} error response: ${(err as Error).message}`,
      );
      return new CloseConnection(`internal error while answering ${handler.name}`);
    }
  }

  private finish(
    connection: Connection,
    header: RequestHeader,
    handler: AnyApiHandler,
    outcome: HandlerOutcome<unknown>,
  ): Buffer[] | null {
    if (outcome === NO_RESPONSE) return null;
    if (outcome instanceof CloseConnection) {
      connection.close(outcome.reason, 'info');
      return null;
    }
    if (outcome instanceof RespondThenClose) {
      const chunks = this.encode(connection, header, header.apiVersion, outcome.response, handler.name);
      if (chunks) connection.respondAndClose(chunks, outcome.reason);
      return null;
    }
    return this.encode(connection, header, header.apiVersion, outcome, handler.name);
  }

  /** A SASL token sent without a Kafka header (after SaslHandshake v0); the answer goes back the same way. */
  private rawSaslToken(
    connection: Connection,
    authentication: SaslAuthenticator,
    frame: Buffer,
  ): FrameResult {
    return authentication.rawToken(Buffer.from(frame)).then((outcome) => {
      if ('close' in outcome) {
        connection.close(outcome.close, 'info');
        return null;
      }
      const size = Buffer.alloc(FRAME_SIZE_BYTES);
      size.writeInt32BE(outcome.token.length);
      return [size, outcome.token];
    });
  }

  private encode(
    connection: Connection,
    header: RequestHeader,
    version: number,
    body: unknown,
    name = 'ApiVersions',
  ): Buffer[] | null {
    try {
      return encodeResponse(header.apiKey as never, version, header.correlationId, body as never);
    } catch (err) {
      this.logger.error(`cannot encode ${name} v${version} response: ${(err as Error).stack ?? err}`);
      connection.close(`internal error while encoding a ${name} response`);
      return null;
    }
  }
}
