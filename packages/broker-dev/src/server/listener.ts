/**
 * The TCP listener of one broker node. Several listeners share one process and one cluster
 * model; each knows its node id so handlers can tell which broker a request reached.
 *
 * It enforces Kafka's connection limits per broker: max.connections and max.connections.per.ip.
 * A connection over either is closed as soon as it is accepted (Kafka does that for the per-IP
 * limit; for the broker-wide one it stops accepting instead, which Node's server cannot do).
 */
import { createServer, type Server } from 'node:net';
import type { Logger } from '../logger.js';
import { acceptConnection, type Connection, type ConnectionOwner, type FrameResult } from './connection.js';
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
  host: string;
  port: number;
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
  private boundPort: number;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
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
    const ip = connection.address;
    const count = (this.perIp.get(ip) ?? 1) - 1;
    if (count > 0) this.perIp.set(ip, count);
    else this.perIp.delete(ip);
  }

  /** Why a new connection from `ip` is over a limit, or undefined if it may stay. */
  private limitReached(ip: string): string | undefined {
    if (this.connections.size >= this.limits.maxConnections) {
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
      const connection = acceptConnection(socket, this);
      this.connections.add(connection);
      this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
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
    this.connections.clear();
    this.perIp.clear();
    await closed;
  }

  /** Drops every open connection (fault injection); the listener keeps accepting new ones. */
  dropConnections(): number {
    const connections = [...this.connections];
    for (const connection of connections) connection.destroy();
    return connections.length;
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}
