/**
 * A listener on 127.0.0.1 that shows how a client opens a secured connection, for tests that check
 * security settings reach the wire through a layer above the client (@samsa/nest, the registry's Kafka
 * storage). It reads the first bytes: a TLS ClientHello is recorded (with its server name) and the
 * connection closed; a Kafka client gets ApiVersions answered and its SaslHandshake mechanism recorded,
 * then UNSUPPORTED_SASL_MECHANISM, so it fails fast with an authentication error.
 */
import net from 'node:net';
import {
  ApiKey,
  apiCodecs,
  decodeRequest,
  ErrorCode,
  encodeResponse,
  FrameSplitter,
  type SaslHandshakeRequest,
} from '@samsa/protocol';

export interface ProbedConnection {
  /** The client started a TLS handshake. */
  tls: boolean;
  /** The SASL mechanism the client asked for, null when it sent none. */
  saslMechanism: string | null;
}

export interface SecurityProbe {
  bootstrap: string[];
  connections: ProbedConnection[];
  stop(): Promise<void>;
}

const TLS_HANDSHAKE_RECORD = 0x16;

export async function startSecurityProbe(): Promise<SecurityProbe> {
  const connections: ProbedConnection[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const seen: ProbedConnection = { tls: false, saslMechanism: null };
    connections.push(seen);
    const splitter = new FrameSplitter();
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (first && chunk[0] === TLS_HANDSHAKE_RECORD) {
        seen.tls = true;
        socket.destroy();
        return;
      }
      first = false;
      splitter.push(chunk, (frame) => {
        const { header, body } = decodeRequest(Buffer.from(frame));
        const reply = (key: number, response: unknown) => {
          for (const c of encodeResponse(
            key as never,
            header.apiVersion,
            header.correlationId,
            response as never,
          ))
            socket.write(c);
        };
        if (header.apiKey === ApiKey.ApiVersions) {
          reply(ApiKey.ApiVersions, {
            errorCode: ErrorCode.NONE,
            apiKeys: [...apiCodecs.values()].map((c) => ({
              apiKey: c.apiKey,
              minVersion: c.request.minVersion,
              maxVersion: c.request.maxVersion,
            })),
            throttleTimeMs: 0,
            supportedFeatures: [],
            finalizedFeaturesEpoch: -1n,
            finalizedFeatures: [],
            zkMigrationReady: false,
          });
        } else if (header.apiKey === ApiKey.SaslHandshake) {
          seen.saslMechanism = (body as SaslHandshakeRequest).mechanism;
          reply(ApiKey.SaslHandshake, {
            errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
            mechanisms: ['PROBE'],
          });
        } else {
          socket.destroy();
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    bootstrap: [`127.0.0.1:${port}`],
    connections,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
