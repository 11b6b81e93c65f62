/** Starting and stopping the console: the operations (Kafka and registry clients) and the HTTP server on them. */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { LogLevel } from '@samsa/core-client';
import type { BasicAuthUser } from './access.js';
import { createConsoleApp } from './app.js';
import { ConsoleOperations } from './operations/index.js';

export interface ConsoleServerOptions {
  /** Kafka bootstrap servers, host:port. */
  brokers: string[];
  /** The schema registry's URL; optional. */
  registry?: string;
  registryAuth?: { username: string; password: string };
  /** Default 127.0.0.1: the console is for this machine unless told otherwise. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Hide and refuse every write. */
  readOnly?: boolean;
  /** Require HTTP basic auth with one of these users. */
  basicAuth?: BasicAuthUser[];
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** The built front end. Default: the package's dist/web. */
  staticDir?: string;
  /** How long one API call may wait for Kafka. Default 15000. */
  operationTimeoutMs?: number;
  /** The Kafka client's log level (default: nothing). */
  kafkaLogLevel?: LogLevel;
  /** Unexpected errors (bugs) are reported here; default: printed to stderr. */
  onUnexpectedError?: (error: unknown) => void;
}

export interface ConsoleServer {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

export function consoleVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0) {
    throw new TypeError('startConsoleServer needs brokers: ["host:port", ...]');
  }
  const ops = new ConsoleOperations({
    brokers: options.brokers,
    ...(options.registry ? { registryUrl: options.registry } : {}),
    ...(options.registryAuth ? { registryAuth: options.registryAuth } : {}),
    ...(options.operationTimeoutMs ? { operationTimeoutMs: options.operationTimeoutMs } : {}),
    ...(options.kafkaLogLevel !== undefined ? { logLevel: options.kafkaLogLevel } : {}),
  });
  const app = createConsoleApp(ops, {
    info: {
      version: consoleVersion(),
      readOnly: options.readOnly ?? false,
      brokers: options.brokers,
      registry: options.registry ?? null,
    },
    staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
    onUnexpectedError:
      options.onUnexpectedError ??
      ((error) =>
        process.stderr.write(`samsa-console: unexpected error: ${(error as Error)?.stack ?? error}\n`)),
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8080 }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error) => {
    await ops.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      // Open live tails hold their connections; closing them lets close() finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await ops.close();
    },
  };
}
