/**
 * One client connection. Requests are handled strictly in order (Kafka's per-connection
 * semantics): frames that arrive while an asynchronous request (a long-polling Fetch, a JoinGroup
 * waiting for the rebalance) is pending are queued, and responses leave in request order.
 * Responses are corked until the end of the event-loop turn, so the answers to every request
 * read in one turn leave in one write: on loopback each write also runs the client's TCP
 * receive path, which made per-response writes a tenth of the broker's CPU.
 *
 * Sockets read straight into a per-connection buffer (net's `onread`), not into a fresh 64 KiB
 * chunk per read: a third of the CPU of reading a gigabyte. Bytes in that buffer are only valid
 * until the next read, so a frame is handled at once or copied (handlers never keep request
 * bytes past their synchronous part).
 */
import { Socket } from 'node:net';
import type { Logger } from '../logger.js';

/** What handling one frame yields: response chunks, nothing (acks=0), or a promise of either. */
export type FrameResult = Buffer[] | null | Promise<Buffer[] | null>;

export interface ConnectionOwner {
  readonly nodeId: number;
  readonly logger: Logger;
  readonly maxRequestBytes: number;
  handleFrame(connection: Connection, frame: Buffer): FrameResult;
  connectionClosed(connection: Connection): void;
}

/** Stop reading from a client whose unanswered requests or unsent responses pile up. */
const MAX_QUEUED_FRAMES = 2048;
const MAX_UNSENT_BYTES = 64 * 1024 * 1024;
/** Frames up to this size that span socket reads are assembled in a reused buffer. */
const MAX_REUSED_FRAME = 16 * 1024 * 1024;
/** Per-connection read buffer; only the pages reads actually reach get used. */
const READ_BUFFER_BYTES = 1024 * 1024;

type ReadCallback = (bytes: number, buffer: Uint8Array) => boolean;

/**
 * Re-homes an accepted socket's handle in a socket that reads into a buffer of ours. Relies on
 * net internals (`_handle`); returns undefined where they are missing so the caller keeps the
 * plain socket.
 */
function socketWithReadBuffer(raw: Socket, callback: ReadCallback): Socket | undefined {
  const internals = raw as unknown as { _handle?: { useUserBuffer?: unknown } | null };
  const handle = internals._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function') return undefined;
  internals._handle = null;
  raw.destroy();
  const options = { handle, onread: { buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES), callback } };
  return new Socket(options as unknown as ConstructorParameters<typeof Socket>[0]);
}

/** Wraps a socket accepted by a server created with `pauseOnConnect: true`. */
export function acceptConnection(raw: Socket, owner: ConnectionOwner): Connection {
  const connection = new Connection(owner);
  const socket = socketWithReadBuffer(raw, (bytes, buffer) => connection.onRead(bytes, buffer));
  if (socket) {
    connection.attach(socket);
  } else {
    connection.attach(raw);
    raw.on('data', (chunk: Buffer) => connection.onData(chunk, false));
    raw.resume();
  }
  return connection;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  remote = '?';
  socket!: Socket;
  /** Aborted when the connection closes, so waiting handlers (long polls) can give up. */
  private readonly abort = new AbortController();
  /** A frame that spans socket reads, being copied together. */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** Bytes of a size prefix split across reads. */
  private prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  /** Reused for frames that span reads and can be handled as soon as they are complete. */
  private assembly: Buffer | undefined;
  private queue: Buffer[] = [];
  private queueHead = 0;
  private busy = false;
  private closedFlag = false;
  private paused = false;
  private corked = false;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly owner: ConnectionOwner) {}

  attach(socket: Socket): void {
    const owner = this.owner;
    this.socket = socket;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => {
      owner.logger.debug(`node ${owner.nodeId}: connection ${this.remote} error: ${err.message}`);
    });
    socket.on('close', () => this.onClosed());
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Closes the connection (after what is already written), logging why. */
  close(reason: string, level: 'debug' | 'info' | 'warn' = 'warn'): void {
    if (this.closedFlag) return;
    this.owner.logger[level](`node ${this.owner.nodeId}: closing connection from ${this.remote}: ${reason}`);
    this.markClosed();
    this.socket.end();
    // A client that never reads must not keep the socket open forever.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  /** Drops the connection at once, without flushing (fault injection, broker stop). */
  destroy(): void {
    this.markClosed();
    this.socket.destroy();
  }

  /** Resolves once no request is being handled or queued (used for clean shutdown). */
  whenIdle(): Promise<void> {
    if (!this.busy && this.queueHead >= this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  private markClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.queue = [];
    this.queueHead = 0;
    this.abort.abort();
    this.notifyIdle();
  }

  private onClosed(): void {
    this.markClosed();
    this.owner.connectionClosed(this);
  }

  /**
   * Splits the byte stream into frames (int32 size + payload). Frames inside one read are
   * zero-copy slices of it; a frame spanning reads is copied together, into a reused buffer when
   * it will be handled at once (handlers never keep request bytes past their synchronous part).
   */
  /** net's onread callback: `bytes` new bytes at the start of the reused read buffer. */
  onRead(bytes: number, buffer: Uint8Array): boolean {
    const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
    this.onData(chunk, true);
    return !this.paused;
  }

  /** `ephemeral`: the chunk's bytes are overwritten by the next read. */
  onData(chunk: Buffer, ephemeral: boolean): void {
    if (this.closedFlag) return;
    let pos = 0;
    const length = chunk.length;
    while (pos < length && !this.closedFlag) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFilled, length - pos);
        chunk.copy(this.partial, this.partialFilled, pos, pos + take);
        this.partialFilled += take;
        pos += take;
        if (this.partialFilled < this.partial.length) break;
        const frame = this.partial;
        this.partial = undefined;
        this.enqueue(frame, this.assembly !== undefined && frame.buffer === this.assembly.buffer);
        continue;
      }
      let size: number;
      if (this.prefixFilled > 0 || length - pos < 4) {
        const take = Math.min(4 - this.prefixFilled, length - pos);
        chunk.copy(this.prefix, this.prefixFilled, pos, pos + take);
        this.prefixFilled += take;
        pos += take;
        if (this.prefixFilled < 4) break;
        this.prefixFilled = 0;
        size = this.prefix.readInt32BE(0);
      } else {
        size = chunk.readInt32BE(pos);
        pos += 4;
      }
      if (size < 0 || size > this.owner.maxRequestBytes) {
        this.close(
          size < 0
            ? `invalid frame size ${size}`
            : `frame of ${size} bytes exceeds socket.request.max.bytes=${this.owner.maxRequestBytes}`,
        );
        return;
      }
      if (length - pos >= size) {
        this.enqueue(chunk.subarray(pos, pos + size), ephemeral);
        pos += size;
        continue;
      }
      this.partial = this.frameBuffer(size);
      this.partialFilled = 0;
    }
    this.pump();
  }

  private frameBuffer(size: number): Buffer {
    const idle = !this.busy && this.queueHead >= this.queue.length;
    if (!idle || size > MAX_REUSED_FRAME) return Buffer.allocUnsafeSlow(size);
    if (!this.assembly || this.assembly.length < size) {
      this.assembly = Buffer.allocUnsafeSlow(
        Math.max(size, Math.min(2 * (this.assembly?.length ?? 0), MAX_REUSED_FRAME)),
      );
    }
    return this.assembly.subarray(0, size);
  }

  /** `ephemeral`: the frame's bytes will be reused, so it is handled now or copied. */
  private enqueue(frame: Buffer, ephemeral: boolean): void {
    if (ephemeral && (this.busy || this.queueHead < this.queue.length)) {
      this.queue.push(Buffer.from(frame));
      return;
    }
    this.queue.push(frame);
    if (ephemeral) this.pump();
  }

  private pump(): void {
    if (this.busy || this.closedFlag) return;
    this.corkUntilNextTurn();
    while (this.queueHead < this.queue.length && !this.closedFlag) {
      const frame = this.queue[this.queueHead];
      this.queue[this.queueHead++] = undefined as unknown as Buffer;
      const result = this.owner.handleFrame(this, frame);
      if (result instanceof Promise) {
        this.busy = true;
        result.then(
          (chunks) => this.finishAsync(chunks),
          (err: unknown) => {
            this.owner.logger.error(
              `node ${this.owner.nodeId}: request failed: ${(err as Error)?.stack ?? err}`,
            );
            this.busy = false;
            this.close('internal error while handling a request');
          },
        );
        break;
      }
      if (result) this.write(result);
    }
    if (this.queueHead >= this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
      if (!this.busy) this.notifyIdle();
    }
    this.applyBackpressure();
  }

  private finishAsync(chunks: Buffer[] | null): void {
    this.busy = false;
    if (this.closedFlag) return;
    if (chunks) {
      this.corkUntilNextTurn();
      this.write(chunks);
    }
    this.pump();
  }

  private corkUntilNextTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    setImmediate(() => {
      this.corked = false;
      this.socket.uncork();
      this.applyBackpressure();
    });
  }

  private write(chunks: Buffer[]): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]);
  }

  private applyBackpressure(): void {
    const queued = this.queue.length - this.queueHead;
    const overloaded = queued > MAX_QUEUED_FRAMES || this.socket.writableLength > MAX_UNSENT_BYTES;
    if (overloaded && !this.paused && !this.closedFlag) {
      this.paused = true;
      this.socket.pause();
    } else if (!overloaded) {
      this.maybeResume();
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.closedFlag) return;
    const queued = this.queue.length - this.queueHead;
    if (queued <= MAX_QUEUED_FRAMES / 2 && this.socket.writableLength <= MAX_UNSENT_BYTES / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private notifyIdle(): void {
    const resolvers = this.idleResolvers;
    this.idleResolvers = [];
    for (const resolve of resolvers) resolve();
  }
}
