/**
 * One client connection. Requests are handled strictly in order (Kafka's per-connection
 * semantics): frames that arrive while an asynchronous request (a long-polling Fetch, a JoinGroup
 * waiting for the rebalance) is pending are queued, and responses leave in request order.
 * The responses to the frames of one socket read leave in one write (corked while they are
 * handled), and no later: fewer writes cost less CPU on both ends, later ones would delay
 * acknowledgements (README, performance notes).
 *
 * Reading picks the destination of every socket read (net's `onread` with a buffer function):
 * - Frames that arrive whole within one read are slices of a reused per-connection read buffer,
 *   valid until the next read, so they are handled at once or copied (handlers never keep
 *   request bytes past their synchronous part unless told the frame is theirs, see below).
 * - A frame that spans reads gets a buffer of its own, and while much of it is missing the reads
 *   go straight into that buffer: its bytes are copied once, by the kernel. With a `frameMemory`
 *   (heap segments, where there is no tmpfs) that buffer is never reused, so the frame is handed
 *   over as owned and the memory log keeps the produced batches instead of copying them;
 *   otherwise it is a reused assembly buffer, which spares faulting in fresh memory.
 */
import { Socket } from 'node:net';
import { FRAME_SIZE_BYTES, FrameSizeError, readFrameSize } from '@samsa/protocol';
import type { Logger } from '../logger.js';
import type { FrameMemory } from './frame-memory.js';

/** What handling one frame yields: response chunks, nothing (acks=0), or a promise of either. */
export type FrameResult = Buffer[] | null | Promise<Buffer[] | null>;

export interface ConnectionOwner {
  readonly nodeId: number;
  readonly logger: Logger;
  readonly maxRequestBytes: number;
  /**
   * Where frames that span reads go when handlers may keep them (the memory log adopts produced
   * batches); without it they are assembled in a reused buffer where possible.
   */
  readonly frameMemory: FrameMemory | undefined;
  /** `owned`: the frame's bytes are never reused, so the handler may keep slices of them. */
  handleFrame(connection: Connection, frame: Buffer, owned: boolean): FrameResult;
  /**
   * Called once all chunks of a response are written to the socket (the kernel has copied them), so
   * memory they point into may be reused (pooled fetch read buffers).
   */
  responseWritten?(chunks: readonly Buffer[]): void;
  connectionClosed(connection: Connection): void;
}

/** Stop reading from a client whose unanswered requests or unsent responses pile up. */
const MAX_QUEUED_FRAMES = 2048;
const MAX_UNSENT_BYTES = 64 * 1024 * 1024;
/** Frames up to this size that span socket reads may be assembled in a reused buffer. */
const MAX_REUSED_FRAME = 16 * 1024 * 1024;
/**
 * Per-connection read buffer. Small enough that any large frame spans reads (and so gets read
 * into a buffer of its own), large enough that a burst of small requests costs few reads.
 */
const READ_BUFFER_BYTES = 64 * 1024;
/** Read straight into a frame's buffer while at least this much of it is missing. */
const DIRECT_READ_MIN = 16 * 1024;
type ReadCallback = (bytes: number, buffer: Uint8Array) => boolean;

/**
 * Re-homes an accepted socket's handle in a socket whose reads land where `connection` says.
 * Relies on net internals (`_handle`); returns undefined where they are missing so the caller
 * keeps the plain socket.
 */
function socketWithReadBuffer(raw: Socket, connection: Connection): Socket | undefined {
  const internals = raw as unknown as { _handle?: { useUserBuffer?: unknown } | null };
  const handle = internals._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function') return undefined;
  internals._handle = null;
  raw.destroy();
  const callback: ReadCallback = (bytes) => connection.onRead(bytes);
  const options = { handle, onread: { buffer: () => connection.nextReadBuffer(), callback } };
  return new Socket(options as unknown as ConstructorParameters<typeof Socket>[0]);
}

/** Wraps a socket accepted by a server created with `pauseOnConnect: true`. */
export function acceptConnection(raw: Socket, owner: ConnectionOwner): Connection {
  const connection = new Connection(owner);
  const socket = socketWithReadBuffer(raw, connection);
  if (socket) {
    connection.attach(socket, true);
  } else {
    connection.attach(raw, false);
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
  /** Where reads land unless a frame is being read directly (see nextReadBuffer). */
  private readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  /** A frame that spans reads, being filled. */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** Whether `partial` is a fresh buffer (handed over as owned) rather than the reused assembly. */
  private partialOwned = false;
  /** The next read goes into `partial` at `partialFilled` rather than into readBuffer. */
  private readingDirect = false;
  /** Set when the socket reads into buffers chosen here (see socketWithReadBuffer). */
  private canReadDirect = false;
  /** Bytes of a size prefix split across reads. */
  private prefix = Buffer.alloc(FRAME_SIZE_BYTES);
  private prefixFilled = 0;
  /** Reused for frames that span reads and can be handled as soon as they are complete. */
  private assembly: Buffer | undefined;
  private queue: Buffer[] = [];
  /** Per queued frame: whether its bytes are the handler's to keep. */
  private queueOwned: boolean[] = [];
  private queueHead = 0;
  private busy = false;
  private closedFlag = false;
  private paused = false;
  private idleResolvers: (() => void)[] = [];

  constructor(private readonly owner: ConnectionOwner) {}

  /** `directReads`: the socket reads into whatever nextReadBuffer() returns. */
  attach(socket: Socket, directReads: boolean): void {
    const owner = this.owner;
    this.socket = socket;
    this.canReadDirect = directReads;
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
    this.queueOwned = [];
    this.queueHead = 0;
    this.partial = undefined;
    this.readingDirect = false;
    this.abort.abort();
    this.notifyIdle();
  }

  private onClosed(): void {
    this.markClosed();
    this.owner.connectionClosed(this);
  }

  /** net's onread buffer function: where the next read lands. */
  nextReadBuffer(): Uint8Array {
    return this.readingDirect ? this.partial!.subarray(this.partialFilled) : this.readBuffer;
  }

  /** net's onread callback: `bytes` new bytes where nextReadBuffer() pointed. */
  onRead(bytes: number): boolean {
    this.corked(() => {
      if (!this.readingDirect) {
        this.splitFrames(this.readBuffer.subarray(0, bytes), true);
        return;
      }
      this.partialFilled += bytes;
      if (this.partialFilled === this.partial!.length) {
        this.readingDirect = false;
        this.completePartial();
        this.pump();
      }
    });
    return !this.paused;
  }

  /** A chunk read by the socket itself (where reads cannot land in buffers chosen here). */
  onData(chunk: Buffer, ephemeral: boolean): void {
    this.corked(() => this.splitFrames(chunk, ephemeral));
  }

  /** Runs `action` with the socket corked: what it writes leaves in one write at the end. */
  private corked(action: () => void): void {
    const socket = this.socket;
    socket.cork();
    try {
      action();
    } finally {
      socket.uncork();
    }
  }

  /**
   * Splits the byte stream into frames (int32 size + payload). Frames inside one chunk are
   * zero-copy slices of it; a frame spanning chunks is copied together (or read directly, see
   * nextReadBuffer). `ephemeral`: the chunk's bytes are overwritten by the next read.
   */
  private splitFrames(chunk: Buffer, ephemeral: boolean): void {
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
        this.completePartial();
        continue;
      }
      let size: number;
      if (this.prefixFilled > 0 || length - pos < FRAME_SIZE_BYTES) {
        const take = Math.min(FRAME_SIZE_BYTES - this.prefixFilled, length - pos);
        chunk.copy(this.prefix, this.prefixFilled, pos, pos + take);
        this.prefixFilled += take;
        pos += take;
        if (this.prefixFilled < FRAME_SIZE_BYTES) break;
        this.prefixFilled = 0;
        size = this.frameSize(this.prefix, 0);
      } else {
        size = this.frameSize(chunk, pos);
        pos += FRAME_SIZE_BYTES;
      }
      if (size < 0) return;
      if (length - pos >= size) {
        this.enqueue(chunk.subarray(pos, pos + size), ephemeral, !ephemeral);
        pos += size;
        continue;
      }
      this.startPartial(size);
    }
    this.readingDirect =
      this.canReadDirect &&
      this.partial !== undefined &&
      this.partial.length - this.partialFilled >= DIRECT_READ_MIN;
    this.pump();
  }

  /** The size prefix at `at`, or -1 once the connection is closed over a bad one. */
  private frameSize(bytes: Buffer, at: number): number {
    try {
      return readFrameSize(bytes, at, this.owner.maxRequestBytes, 'socket.request.max.bytes');
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      this.close(err.message);
      return -1;
    }
  }

  private startPartial(size: number): void {
    const idle = !this.busy && this.queueHead >= this.queue.length;
    this.partialFilled = 0;
    const memory = this.owner.frameMemory;
    this.partialOwned = memory !== undefined || !idle || size > MAX_REUSED_FRAME;
    if (this.partialOwned) {
      this.partial = memory ? memory.allocate(size) : Buffer.allocUnsafeSlow(size);
      return;
    }
    if (!this.assembly || this.assembly.length < size) {
      this.assembly = Buffer.allocUnsafeSlow(
        Math.max(size, Math.min(2 * (this.assembly?.length ?? 0), MAX_REUSED_FRAME)),
      );
    }
    this.partial = this.assembly.subarray(0, size);
  }

  private completePartial(): void {
    const frame = this.partial!;
    this.partial = undefined;
    // The assembly buffer is reused by the next spanning frame: handle this one now.
    this.enqueue(frame, !this.partialOwned, this.partialOwned);
  }

  /**
   * `ephemeral`: the frame's bytes will be reused, so it is handled now or copied. `owned`: its
   * bytes are never reused, so the handler may keep them.
   */
  private enqueue(frame: Buffer, ephemeral: boolean, owned: boolean): void {
    if (ephemeral && (this.busy || this.queueHead < this.queue.length)) {
      // The copy is nobody else's: the handler may keep it.
      this.queue.push(Buffer.from(frame));
      this.queueOwned.push(true);
      return;
    }
    this.queue.push(frame);
    this.queueOwned.push(owned);
    if (ephemeral) this.pump();
  }

  /**
   * Handles queued frames in order until one answers asynchronously. Every caller runs inside
   * `corked` (a socket read, an asynchronous answer), so the responses leave in one write.
   */
  private pump(): void {
    if (this.busy || this.closedFlag) return;
    while (this.queueHead < this.queue.length && !this.closedFlag) {
      const frame = this.queue[this.queueHead];
      const owned = this.queueOwned[this.queueHead];
      this.queue[this.queueHead++] = undefined as unknown as Buffer;
      const result = this.owner.handleFrame(this, frame, owned);
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
      this.queueOwned = [];
      this.queueHead = 0;
      if (!this.busy) this.notifyIdle();
    }
    this.applyBackpressure();
  }

  private finishAsync(chunks: Buffer[] | null): void {
    this.busy = false;
    if (this.closedFlag) return;
    this.corked(() => {
      if (chunks) this.write(chunks);
      this.pump();
    });
  }

  private write(chunks: Buffer[]): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable || chunks.length === 0) return;
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) socket.write(chunks[i]);
    const owner = this.owner;
    if (!owner.responseWritten) socket.write(chunks[last]);
    // Only a completed write gives memory back: after a failed one it is left to the GC.
    else socket.write(chunks[last], (err) => err || owner.responseWritten!(chunks));
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
