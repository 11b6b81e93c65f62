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
 *   go straight into that buffer: its bytes are copied once, by the kernel. Once a connection has a
 *   reused assembly buffer (below), reads between frames land in it too, so a large frame's first
 *   bytes are already where the rest of it is read: no frame byte is copied by JavaScript. With a `frameMemory`
 *   (heap segments, where there is no tmpfs) that buffer is never reused, so the frame is handed
 *   over as owned and the memory log keeps the produced batches instead of copying them;
 *   otherwise it is a reused assembly buffer, which spares faulting in fresh memory.
 *
 * Memory for frames that span reads and for frames queued behind an unanswered request comes out of
 * the broker-wide RequestMemory budget: a connection whose next frame does not fit stops reading until
 * the budget has room (backpressure, never a larger allocation). A connection with nothing to do for
 * connections.max.idle.ms is closed.
 */
import { Socket } from 'node:net';
import { FRAME_SIZE_BYTES, FrameSizeError, readFrameSize } from '@samsa/protocol';
import type { Logger } from '../logger.js';
import type { SaslAuthenticator } from '../security/sasl/authenticator.js';
import type { FrameMemory } from './frame-memory.js';
import type { RequestMemory } from './request-memory.js';

/** The principal of an unauthenticated connection (Kafka's KafkaPrincipal.ANONYMOUS). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

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
  /** The budget for request bytes read but not yet handled, shared by every connection. */
  readonly requestMemory: RequestMemory;
  /** Close a connection that has nothing to do for this long (Infinity: never). */
  readonly connectionsMaxIdleMs: number;
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
/**
 * Read straight into a frame's buffer while at least this much of it is missing, or all of it for a frame
 * larger than the read buffer (its last bytes then cost no copy, and the next frame's first bytes can land
 * in the assembly buffer). The tail of a small frame is read with whatever follows it instead.
 */
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

/**
 * Wraps a socket accepted by a server created with `pauseOnConnect: true`. `setUp` runs before the first
 * byte is read (a SASL listener sets up authentication there).
 */
export function acceptConnection(
  raw: Socket,
  owner: ConnectionOwner,
  setUp?: (connection: Connection) => void,
): Connection {
  const connection = new Connection(owner);
  const socket = socketWithReadBuffer(raw, connection);
  if (socket) {
    connection.attach(socket, true);
    setUp?.(connection);
  } else {
    acceptStream(raw, connection, setUp);
  }
  return connection;
}

/**
 * Wraps a socket whose reads cannot land in buffers chosen here: a TLS socket after its handshake (its
 * reads are decrypted into buffers of its own).
 */
export function acceptSecureConnection(
  socket: Socket,
  owner: ConnectionOwner,
  setUp?: (connection: Connection) => void,
): Connection {
  const connection = new Connection(owner);
  acceptStream(socket, connection, setUp);
  return connection;
}

function acceptStream(
  socket: Socket,
  connection: Connection,
  setUp?: (connection: Connection) => void,
): void {
  connection.attach(socket, false);
  setUp?.(connection);
  socket.on('data', (chunk: Buffer) => connection.onData(chunk, false));
  socket.resume();
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  /** host:port of the client. */
  remote = '?';
  /** The client's IP address (kept: a closed socket no longer knows it). */
  address = '';
  /**
   * Who the client is, in Kafka's `Type:name` form: what ACLs are checked against. Authentication
   * (SASL, TLS client certificates) replaces it; until then the client is `User:ANONYMOUS`, as in Kafka.
   */
  principal: string = ANONYMOUS_PRINCIPAL;
  socket!: Socket;
  /** The listener the client connected to. */
  listenerName = 'PLAINTEXT';
  /** SASL state, on SASL listeners only. */
  authentication: SaslAuthenticator | undefined;
  /** A lower frame size limit than the broker's (sasl.server.max.receive.size before authentication). */
  private frameLimit: { bytes: number; name: string } | undefined;
  /** Whether a frame has been read: a first frame that looks like TLS gets a hint in the log. */
  private sawFrame = false;
  /** Aborted when the connection closes, so waiting handlers (long polls) can give up. */
  private readonly abort = new AbortController();
  /** Where reads land unless a frame is being read directly (see nextReadBuffer). */
  private readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  /** A frame that spans reads, being filled. */
  private partial: Buffer | undefined;
  private partialFilled = 0;
  /** Whether `partial` is a fresh buffer (handed over as owned) rather than the reused assembly. */
  private partialOwned = false;
  /** Bytes of the request-memory budget reserved for `partial`. */
  private partialReserved = 0;
  /**
   * A frame waiting for the budget to have room for it: its size, the bytes of it already read, and how
   * to stop waiting. The socket is paused meanwhile.
   */
  private memoryWait: { size: number; stash: Buffer; withdraw: () => void } | undefined;
  /** The next read goes into `partial` at `partialFilled` rather than into readBuffer. */
  private readingDirect = false;
  /** Set when the socket reads into buffers chosen here (see socketWithReadBuffer). */
  private canReadDirect = false;
  /** Bytes of a size prefix split across reads. */
  private prefix = Buffer.alloc(FRAME_SIZE_BYTES);
  private prefixFilled = 0;
  /**
   * Reused for frames that span reads and can be handled as soon as they are complete; between frames,
   * the destination of reads (see nextReadBuffer).
   */
  private assembly: Buffer | undefined;
  /** Where the read in progress lands unless it is direct: readBuffer or assembly. */
  private readTarget: Buffer = this.readBuffer;
  private queue: Buffer[] = [];
  /** Per queued frame: whether its bytes are the handler's to keep. */
  private queueOwned: boolean[] = [];
  /** Per queued frame: the request-memory bytes it holds. */
  private queueReserved: number[] = [];
  /** Sum of queueReserved for frames not yet handled. */
  private queuedBytes = 0;
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
    this.address = socket.remoteAddress ?? '';
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => {
      owner.logger.debug(`node ${owner.nodeId}: connection ${this.remote} error: ${err.message}`);
    });
    socket.on('close', () => this.onClosed());
    if (Number.isFinite(owner.connectionsMaxIdleMs)) {
      socket.setTimeout(owner.connectionsMaxIdleMs);
      socket.on('timeout', () => this.onIdle());
    }
  }

  /** No bytes moved for connections.max.idle.ms. A request being answered or held back is not idleness. */
  private onIdle(): void {
    if (this.closedFlag) return;
    if (this.busy || this.queueHead < this.queue.length || this.paused || this.memoryWait) {
      this.socket.setTimeout(this.owner.connectionsMaxIdleMs);
      return;
    }
    this.close(`idle for ${this.owner.connectionsMaxIdleMs} ms (connections.max.idle.ms)`, 'info');
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

  /** Sends a last response, then closes (authentication failed). */
  respondAndClose(chunks: Buffer[], reason: string): void {
    this.write(chunks);
    this.close(reason, 'info');
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
    const held = this.partialReserved + this.queuedBytes;
    this.partialReserved = 0;
    this.queuedBytes = 0;
    this.memoryWait?.withdraw();
    this.memoryWait = undefined;
    this.queue = [];
    this.queueOwned = [];
    this.queueReserved = [];
    this.queueHead = 0;
    this.partial = undefined;
    this.readingDirect = false;
    this.abort.abort();
    this.notifyIdle();
    this.owner.requestMemory.release(held);
  }

  private onClosed(): void {
    this.markClosed();
    this.owner.connectionClosed(this);
  }

  /**
   * net's onread buffer function: where the next read lands. net asks right after each read callback,
   * and the read may come much later, so nothing may live in the buffer handed out here meanwhile: the
   * assembly buffer only while no frame is being assembled or waits for memory (frames handled later
   * are copies, see enqueue).
   */
  nextReadBuffer(): Uint8Array {
    if (this.readingDirect) return this.partial!.subarray(this.partialFilled);
    const assembly = this.assembly;
    this.readTarget =
      assembly !== undefined &&
      assembly.length >= READ_BUFFER_BYTES &&
      this.partial === undefined &&
      this.memoryWait === undefined
        ? assembly
        : this.readBuffer;
    return this.readTarget;
  }

  /** net's onread callback: `bytes` new bytes where nextReadBuffer() pointed. */
  onRead(bytes: number): boolean {
    this.corked(() => {
      if (!this.readingDirect) {
        this.splitFrames(this.readTarget.subarray(0, bytes), true);
        return;
      }
      this.partialFilled += bytes;
      if (this.partialFilled === this.partial!.length) {
        this.readingDirect = false;
        this.completePartial();
        this.pump();
      }
    });
    return !this.paused && !this.memoryWait;
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
    if (this.memoryWait) {
      // Read before the socket paused: it follows the waiting frame's first bytes.
      this.memoryWait.stash = Buffer.concat([this.memoryWait.stash, chunk]);
      return;
    }
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
      if (!this.startPartial(size, chunk, pos)) break;
      if (this.partialFilled > 0) break; // its first bytes were already in place: the chunk is used up
    }
    this.readingDirect =
      this.canReadDirect &&
      this.partial !== undefined &&
      (this.partial.length - this.partialFilled >= DIRECT_READ_MIN ||
        this.partial.length > READ_BUFFER_BYTES);
    this.pump();
  }

  /** Lowers the largest frame this connection reads below the broker's limit; undefined restores it. */
  setFrameLimit(bytes: number | undefined, name: string): void {
    this.frameLimit =
      bytes === undefined || bytes >= this.owner.maxRequestBytes ? undefined : { bytes, name };
  }

  /** The size prefix at `at`, or -1 once the connection is closed over a bad one. */
  private frameSize(bytes: Buffer, at: number): number {
    const first = !this.sawFrame;
    this.sawFrame = true;
    const limit = this.frameLimit ?? { bytes: this.owner.maxRequestBytes, name: 'socket.request.max.bytes' };
    try {
      return readFrameSize(bytes, at, limit.bytes, limit.name);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      // A TLS record starts 0x16 0x03 (handshake, TLS 1.x): a TLS client on a plaintext listener.
      const tls = first && bytes[at] === 0x16 && bytes[at + 1] === 0x03;
      this.close(
        tls
          ? `${err.message} (the bytes are a TLS handshake: is an SSL client connecting to the non-TLS listener ${this.listenerName}?)`
          : err.message,
      );
      return -1;
    }
  }

  /**
   * Starts reading a frame of `size` bytes that spans reads, whose first bytes are `chunk[pos..]`. If the
   * request-memory budget has no room for it, keeps those bytes aside, stops reading and returns false; the
   * frame resumes once the budget grants the memory.
   */
  private startPartial(size: number, chunk: Buffer, pos: number): boolean {
    const memory = this.owner.requestMemory;
    if (memory.tryReserve(size)) {
      this.allocatePartial(size);
      this.adoptInPlace(chunk, pos);
      return true;
    }
    const stash = Buffer.from(chunk.subarray(pos));
    this.memoryWait = { size, stash, withdraw: memory.whenAvailable(size, () => this.memoryGranted()) };
    this.socket.pause();
    return false;
  }

  /** The budget reserved the memory a waiting frame needs: read it on. */
  private memoryGranted(): void {
    const wait = this.memoryWait!;
    this.memoryWait = undefined;
    this.allocatePartial(wait.size);
    this.corked(() => this.splitFrames(wait.stash, false));
    // The socket already holds the read buffer as the destination of its next read (net asks for the
    // next buffer right after each read callback), so that read must go there, not into `partial`.
    this.readingDirect = false;
    if (!this.paused && !this.closedFlag && !this.memoryWait) this.socket.resume();
  }

  /** Gives `partial` a buffer of `size` bytes whose budget is already reserved. */
  private allocatePartial(size: number): void {
    this.partialReserved = size;
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

  /**
   * When `chunk[pos..]`, the start of the new partial frame, was read into the assembly buffer that
   * now holds the frame too, makes those bytes the frame's first ones where they are (moving them to
   * the front if the frame would not fit after them) instead of leaving them to be copied.
   */
  private adoptInPlace(chunk: Buffer, pos: number): void {
    const assembly = this.assembly;
    if (this.partialOwned || assembly === undefined || chunk.buffer !== assembly.buffer) return;
    const size = this.partial!.length;
    const start = chunk.byteOffset - assembly.byteOffset + pos;
    const arrived = chunk.length - pos;
    if (start + size <= assembly.length) {
      this.partial = assembly.subarray(start, start + size);
    } else {
      assembly.copyWithin(0, start, start + arrived);
    }
    this.partialFilled = arrived;
  }

  private completePartial(): void {
    const frame = this.partial!;
    const reserved = this.partialReserved;
    this.partial = undefined;
    this.partialReserved = 0;
    // The assembly buffer is reused by the next spanning frame: handle this one now.
    this.enqueue(frame, !this.partialOwned, this.partialOwned, reserved);
  }

  /**
   * `ephemeral`: the frame's bytes will be reused, so it is handled now or copied. `owned`: its
   * bytes are never reused, so the handler may keep them. `reserved`: request-memory bytes it holds.
   */
  private enqueue(frame: Buffer, ephemeral: boolean, owned: boolean, reserved = 0): void {
    if (ephemeral && (this.busy || this.queueHead < this.queue.length)) {
      // The copy is nobody else's: the handler may keep it. It holds memory until it is handled.
      if (reserved === 0) {
        reserved = frame.length;
        this.owner.requestMemory.reserveArrived(reserved);
      }
      this.queue.push(Buffer.from(frame));
      this.queueOwned.push(true);
      this.queueReserved.push(reserved);
      this.queuedBytes += reserved;
      return;
    }
    this.queue.push(frame);
    this.queueOwned.push(owned);
    this.queueReserved.push(reserved);
    this.queuedBytes += reserved;
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
      const reserved = this.queueReserved[this.queueHead];
      this.queue[this.queueHead++] = undefined as unknown as Buffer;
      this.queuedBytes -= reserved;
      const result = this.owner.handleFrame(this, frame, owned);
      // Handled: the handler copied what it keeps, or owns the bytes now (a log adopting them).
      this.owner.requestMemory.release(reserved);
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
      this.queueReserved = [];
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

  /**
   * Stops reading while requests or responses pile up, or while this connection holds queued frames and
   * the request-memory budget is spent (its queue drains on its own, so it resumes without help).
   */
  private applyBackpressure(): void {
    const queued = this.queue.length - this.queueHead;
    const overloaded =
      queued > MAX_QUEUED_FRAMES ||
      this.socket.writableLength > MAX_UNSENT_BYTES ||
      (this.queuedBytes > 0 && this.owner.requestMemory.exhausted);
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
    if (
      queued <= MAX_QUEUED_FRAMES / 2 &&
      this.socket.writableLength <= MAX_UNSENT_BYTES / 2 &&
      !(this.queuedBytes > 0 && this.owner.requestMemory.exhausted)
    ) {
      this.paused = false;
      if (!this.memoryWait) this.socket.resume();
    }
  }

  private notifyIdle(): void {
    const resolvers = this.idleResolvers;
    this.idleResolvers = [];
    for (const resolve of resolvers) resolve();
  }
}
