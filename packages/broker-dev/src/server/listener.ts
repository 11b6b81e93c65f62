/**
 * One listener of one broker node (Kafka's `listeners` entry: a name, a security protocol, an address).
 * Several share one process and one cluster model; each knows its node id so handlers can tell which broker
 * a request reached, and its name so answers carry the addresses of the same listener.
 *
 * SSL and SASL_SSL listeners run the TLS handshake before a connection reads its first request; a client
 * certificate that does not verify (or none, with ssl.client.auth=required) closes the connection, and a
 * verified one gives the principal on SSL listeners. SASL listeners make each connection authenticate first
 * (security/sasl/authenticator.ts). Failures are logged and close the one connection.
 *
 * It enforces Kafka's connection limits per broker: max.connections and max.connections.per.ip.
 * A connection over either is closed as soon as it is accepted (Kafka does that for the per-IP
 * limit; for the broker-wide one it stops accepting instead, which Node's server cannot do).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import type { Logger } from '../logger.js';
import { certificatePrincipal } from '../security/certificate-principal.js';
import type { SecurityProtocol } from '../security/listeners.js';
import { type BrokerTls, createTlsServer } from '../security/tls.js';
import {
  ANONYMOUS_PRINCIPAL,
  acceptConnection,
  acceptSecureConnection,
  type Connection,
  type ConnectionOwner,
  type FrameResult,
} from './connection.js';
import type { FrameMemory } from './frame-memory.js';
import type { RequestMemory } from './request-memory.js';

/** Kafka's connection limits, per broker. */
export interface ConnectionLimits {
  /** max.connections (Infinity: none). */
  maxConnections: number;
  /** max.connections.per.ip (Infinity: none). */
  maxConnectionsPerIp: number;
  /** connections.max.idle.ms (Infinity: never). */
  connectionsMaxIdleMs: number;
}

export interface ListenerOptions {
  nodeId: number;
  /** The listener's name (PLAINTEXT, SASL_SSL, or a name mapped to a protocol). */
  name: string;
  securityProtocol: SecurityProtocol;
  host: string;
  port: number;
  /** TLS material, for SSL and SASL_SSL listeners. */
  tls?: BrokerTls;
  /** Makes a new connection authenticate (SASL listeners). */
  authenticate?: (connection: Connection) => void;
  logger: Logger;
  maxRequestBytes: number;
  /** Memory for frames handlers may keep (heap segments), see Connection. */
  frameMemory: FrameMemory | undefined;
  /** The process-wide budget for request bytes not yet handled, see Connection. */
  requestMemory: RequestMemory;
  limits: ConnectionLimits;
  handleFrame(connection: Connection, frame: Buffer, owned: boolean): FrameResult;
  /** See ConnectionOwner.responseWritten. */
  responseWritten?(chunks: readonly Buffer[]): void;
}

export class BrokerListener implements ConnectionOwner {
  readonly nodeId: number;
  readonly logger: Logger;
  readonly maxRequestBytes: number;
  readonly frameMemory: FrameMemory | undefined;
  readonly requestMemory: RequestMemory;
  readonly connectionsMaxIdleMs: number;
  readonly host: string;
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  private boundPort: number;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Runs TLS handshakes for accepted sockets (SSL listeners). */
  private readonly tlsServer: TlsServer | undefined;
  private readonly clientAuth: BrokerTls['clientAuth'];
  /** Accepted TCP sockets of TLS connections, from accept until closed: they hold the connection counts. */
  private readonly tlsSockets = new Set<Socket>();
  /** Connections whose counts their TLS socket holds. */
  private readonly tlsConnections = new WeakSet<Connection>();
  private readonly authenticate: ListenerOptions['authenticate'];
  /** Open connections per client address. */
  private readonly perIp = new Map<string, number>();
  private readonly limits: ConnectionLimits;
  private readonly frameHandler: ListenerOptions['handleFrame'];
  readonly responseWritten: ListenerOptions['responseWritten'];

  constructor(options: ListenerOptions) {
    this.nodeId = options.nodeId;
    this.host = options.host;
    this.boundPort = options.port;
    this.logger = options.logger;
    this.maxRequestBytes = options.maxRequestBytes;
    this.frameMemory = options.frameMemory;
    this.requestMemory = options.requestMemory;
    this.limits = options.limits;
    this.connectionsMaxIdleMs = options.limits.connectionsMaxIdleMs;
    this.frameHandler = options.handleFrame;
    this.responseWritten = options.responseWritten;
    this.name = options.name;
    this.securityProtocol = options.securityProtocol;
    this.authenticate = options.authenticate;
    this.clientAuth = options.tls?.clientAuth ?? 'none';
    if (options.tls) {
      const server = createTlsServer(options.tls);
      server.on('secureConnection', (socket: TLSSocket) => this.secured(socket));
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
        this.logger.info(
          `node ${this.nodeId}: TLS handshake with ${socket.remoteAddress}:${socket.remotePort} on listener ${this.name} failed: ${err.message.trim()}`,
        );
        socket.destroy();
      });
      this.tlsServer = server;
    }
  }

  /** Sets a new connection up for this listener, before it reads its first request. */
  private setUp(connection: Connection, principal = ANONYMOUS_PRINCIPAL): void {
    connection.listenerName = this.name;
    connection.principal = principal;
    this.authenticate?.(connection);
  }

  /** A TLS handshake finished: check the client certificate, then serve the connection. */
  private secured(socket: TLSSocket): void {
    if (!this.server) {
      socket.destroy();
      return;
    }
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const certificate = socket.getPeerX509Certificate();
    let principal = ANONYMOUS_PRINCIPAL;
    if (this.clientAuth !== 'none') {
      const refused = !certificate
        ? this.clientAuth === 'required' && 'it sent no client certificate (ssl.client.auth=required)'
        : !socket.authorized && `its certificate does not verify: ${socket.authorizationError}`;
      if (refused) {
        this.logger.info(
          `node ${this.nodeId}: refused TLS client ${remote} on listener ${this.name}: ${refused}`,
        );
        socket.destroy();
        return;
      }
      if (certificate) {
        try {
          principal = certificatePrincipal(certificate.raw);
        } catch (err) {
          this.logger.info(
            `node ${this.nodeId}: refused TLS client ${remote}: unreadable certificate subject: ${(err as Error).message}`,
          );
          socket.destroy();
          return;
        }
      }
    }
    const connection = acceptSecureConnection(socket, this, (c) => this.setUp(c, principal));
    this.tlsConnections.add(connection);
    this.connections.add(connection);
    this.logger.debug(`node ${this.nodeId}: TLS connection from ${remote} as ${principal}`);
  }

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  handleFrame(connection: Connection, frame: Buffer, owned: boolean): FrameResult {
    return this.frameHandler(connection, frame, owned);
  }

  connectionClosed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    // A TLS connection's counts go with its TCP socket (see accept).
    if (!this.tlsConnections.has(connection)) this.releaseIp(connection.address);
  }

  private releaseIp(ip: string): void {
    const count = (this.perIp.get(ip) ?? 1) - 1;
    if (count > 0) this.perIp.set(ip, count);
    else this.perIp.delete(ip);
  }

  /** Open connections, counting TLS ones from accept (their handshake may still be running). */
  private get openCount(): number {
    let count = this.tlsSockets.size;
    for (const connection of this.connections) if (!this.tlsConnections.has(connection)) count++;
    return count;
  }

  /** Why a new connection from `ip` is over a limit, or undefined if it may stay. */
  private limitReached(ip: string): string | undefined {
    if (this.openCount >= this.limits.maxConnections) {
      return `the broker already has max.connections=${this.limits.maxConnections} connections`;
    }
    if ((this.perIp.get(ip) ?? 0) >= this.limits.maxConnectionsPerIp) {
      return `${ip} already has max.connections.per.ip=${this.limits.maxConnectionsPerIp} connections`;
    }
    return undefined;
  }

  /** Starts listening; port 0 picks a free port, which is then kept for restarts. */
  async start(): Promise<void> {
    if (this.server) return;
    // Paused on connect so acceptConnection can move the socket to its own read buffer first.
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => {
      const ip = socket.remoteAddress ?? '';
      const refused = this.limitReached(ip);
      if (refused) {
        this.logger.info(
          `node ${this.nodeId}: refused a connection from ${ip}:${socket.remotePort}: ${refused}`,
        );
        socket.destroy();
        return;
      }
      this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
      if (this.tlsServer) {
        this.tlsSockets.add(socket);
        socket.once('close', () => {
          if (this.tlsSockets.delete(socket)) this.releaseIp(ip);
        });
        // The TLS server never listens: it runs the handshake on sockets handed to it.
        this.tlsServer.emit('connection', socket);
        return;
      }
      const connection = acceptConnection(socket, this, (c) => this.setUp(c));
      this.connections.add(connection);
      this.logger.debug(`node ${this.nodeId}: connection from ${connection.remote}`);
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen({ host: this.host, port: this.boundPort, exclusive: true }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error(`node ${this.nodeId}: listener error: ${err.message}`));
    const address = server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /**
   * Stops listening. `graceful` lets requests already received be answered first (bounded by
   * `graceMs`); otherwise connections are dropped at once, as when a broker process dies.
   */
  async stop(graceful: boolean, graceMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const connections = [...this.connections];
    if (graceful) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(connections.map((c) => c.whenIdle())), timeout]);
      clearTimeout(timer);
    }
    for (const connection of connections) connection.destroy();
    for (const socket of this.tlsSockets) socket.destroy();
    this.connections.clear();
    this.tlsSockets.clear();
    this.perIp.clear();
    await closed;
  }

  /** Drops every open connection (fault injection); the listener keeps accepting new ones. */
  dropConnections(): number {
    const dropped = this.openCount;
    for (const connection of [...this.connections]) connection.destroy();
    for (const socket of [...this.tlsSockets]) socket.destroy();
    return dropped;
  }

  get connectionCount(): number {
    return this.openCount;
  }
}
