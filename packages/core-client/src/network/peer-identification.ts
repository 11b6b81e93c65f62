/**
 * Telling what answered when a "broker" does not speak Kafka the way it was configured: an HTTP server, a TLS
 * listener reached without `ssl`, a plaintext Kafka listener reached with `ssl`, or some other server. Without
 * this a user sees "frame of 1213486160 bytes exceeds maxResponseBytes" (that is "HTTP" read as a size) or a
 * connection closed during the TLS handshake, retried until the retries run out.
 *
 * Two ways of knowing: the first bytes a peer sent (an HTTP status line, a TLS record header, a line of text),
 * and, when it sent nothing, one short probe in the other security protocol (does it complete a TLS handshake;
 * does it answer a Kafka request in plaintext). Probes run only on those failure paths.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ApiKey, encodeRequest, loadApiCodec } from '@samsa/protocol/on-demand';

/** What a peer turned out to be, as far as its bytes or a probe tell. */
export type PeerKind = 'http' | 'tls' | 'text' | 'plaintext-kafka' | 'not-tls';

export interface PeerIdentity {
  kind: PeerKind;
  /** What it said or did, for the message: `answered like an HTTP server ("HTTP/1.1 400 Bad Request")`. */
  evidence: string;
}

/** TLS record content types a server sends first: alert (21) and handshake (22). */
const TLS_ALERT = 0x15;
const TLS_HANDSHAKE = 0x16;
/** The major version byte of every SSL 3.0 / TLS 1.x record header. */
const TLS_MAJOR_VERSION = 0x03;

/** What the first bytes a peer sent say about it, or null when they could be Kafka (or say nothing). */
export function identifyFromFirstBytes(bytes: Buffer): PeerIdentity | null {
  if (bytes.length < 4) return null;
  const head = bytes.subarray(0, Math.min(bytes.length, 120)).toString('latin1');
  if (head.startsWith('HTTP/')) {
    return { kind: 'http', evidence: `it answered like an HTTP server (${JSON.stringify(firstLine(head))})` };
  }
  if (
    (bytes[0] === TLS_ALERT || bytes[0] === TLS_HANDSHAKE) &&
    bytes[1] === TLS_MAJOR_VERSION &&
    bytes[2] <= 4
  ) {
    return {
      kind: 'tls',
      evidence: `it answered with a TLS ${bytes[0] === TLS_ALERT ? 'alert' : 'handshake'} record`,
    };
  }
  // A Kafka response starts with its size, whose first byte is 0 for any frame under 16 MiB.
  if (/^[\x20-\x7e]{4}/.test(head)) {
    return { kind: 'text', evidence: `it answered with text (${JSON.stringify(firstLine(head))})` };
  }
  return null;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0];
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

/** The sentence after "this is not a Kafka broker:" or its like, ending in what to change. */
export function describePeer(peer: PeerIdentity): string {
  switch (peer.kind) {
    case 'http':
    case 'text':
      return (
        `this is not a Kafka broker: ${peer.evidence}. Check the host and port in brokers ` +
        '(a Kafka listener, 9092 by default)'
      );
    case 'tls':
      return `this is a TLS listener: ${peer.evidence}. Set ssl: true (or ssl: { ca, ... }) to connect to it`;
    case 'plaintext-kafka':
      return `this is a plaintext Kafka listener: ${peer.evidence}. Remove ssl, or use the broker's TLS port`;
    case 'not-tls':
      return `this is not a TLS listener: ${peer.evidence}. Check the host and port in brokers, and ssl`;
  }
}

/** Whether the peer completes a TLS handshake (or refuses one with a TLS alert): it is a TLS listener. */
export function probeTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      // Only asking whether it speaks TLS; nothing is sent over it.
      rejectUnauthorized: false,
    });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', (err: Error & { code?: string }) => done(/^ERR_SSL_.*ALERT/.test(err.code ?? '')));
  });
}

/** Whether the peer answers a Kafka request (ApiVersions v0) in plaintext: it is a plaintext Kafka listener. */
export async function probeKafkaPlaintext(
  host: string,
  port: number,
  clientId: string,
  timeoutMs: number,
): Promise<boolean> {
  const correlationId = 0x5a5a;
  // A TLS handshake that failed may be the first thing this process tried: no request encoded yet.
  await loadApiCodec(ApiKey.ApiVersions);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => {
      for (const chunk of encodeRequest(ApiKey.ApiVersions, 0, correlationId, clientId, {}))
        socket.write(chunk);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      const size = received.readInt32BE(0);
      done(size >= 4 && size < 1 << 20 && received.readInt32BE(4) === correlationId);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
