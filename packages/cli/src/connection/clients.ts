/**
 * The clients a command uses, built from the resolved connection settings: a Kafka client and its admin, and the
 * schema registry client. Connecting is bounded by the timeout and names the brokers it could not reach.
 */
import { CliError, type CliIo, UsageError } from '@samsa/cli-kit';
import {
  type Admin,
  ConnectionError,
  createLogger,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  LogLevel,
  RetriesExhaustedError,
} from '@samsa/core-client';
import { SchemaRegistryClient } from '@samsa/schema-registry';
import { explain } from '../errors.js';
import { type ConnectionFlags, type ConnectionSettings, resolveConnection } from './options.js';

const LOG_LEVELS: Record<string, LogLevel> = {
  error: LogLevel.ERROR,
  warn: LogLevel.WARN,
  info: LogLevel.INFO,
  debug: LogLevel.DEBUG,
};

export class Clients {
  readonly kafka: Kafka;
  private admin_: Admin | undefined;
  private registry_: SchemaRegistryClient | undefined;
  private reachable = false;

  constructor(
    readonly settings: ConnectionSettings,
    env: NodeJS.ProcessEnv,
    private readonly stderr: (text: string) => void,
  ) {
    this.kafka = new Kafka(this.kafkaConfig(LOG_LEVELS[env.SAMSA_LOG_LEVEL ?? ''] ?? LogLevel.NOTHING));
  }

  /** The brokers as the user gave them, for messages. */
  get brokers(): string {
    return this.settings.brokers.join(',');
  }

  kafkaConfig(logLevel: LogLevel = LogLevel.NOTHING): KafkaConfig {
    const { settings } = this;
    return {
      brokers: settings.brokers,
      clientId: settings.clientId,
      connectionTimeoutMs: settings.timeoutMs,
      requestTimeoutMs: settings.timeoutMs,
      ...(settings.ssl ? { ssl: settings.ssl } : {}),
      ...(settings.sasl ? { sasl: { ...settings.sasl } } : {}),
      logger: createLogger(logLevel, () => (entry: LogEntry) => {
        const { timestamp, logger, message, ...extra } = entry.log;
        const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
        this.stderr(`[${entry.label}] ${entry.namespace}: ${message}${details}\n`);
      }),
    };
  }

  /**
   * Waits until a broker answers (bootstrap and metadata), for at most the timeout; fails naming the brokers and
   * the last reason. The clients a command then makes connect at once.
   */
  async ensureReachable(): Promise<void> {
    if (this.reachable) return;
    const deadline = Date.now() + this.settings.timeoutMs;
    let last: unknown;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const probe = new Kafka({
        ...this.kafkaConfig(),
        connectionTimeoutMs: remaining,
        requestTimeoutMs: remaining,
        retry: { retries: 0 },
      }).admin();
      try {
        await withTimeout(probe.connect(), remaining);
        this.reachable = true;
        return;
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        // A late attempt cut short by the deadline says less than an earlier refusal: keep that one.
        if (!(error instanceof TimeoutError && last !== undefined)) last = error;
      } finally {
        await probe.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
    const reason = last instanceof Error ? `: ${(last as Error).message}` : '';
    throw new CliError(
      `could not reach the brokers at ${this.brokers} within ${this.settings.timeoutMs} ms${reason}. ` +
        'Check -b/--brokers (or SAMSA_BROKERS / KAFKA_BROKERS) and that Kafka is running.',
    );
  }

  /** A connected admin client. */
  async admin(): Promise<Admin> {
    if (!this.admin_) {
      await this.ensureReachable();
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin_ = admin;
    }
    return this.admin_;
  }

  /** The registry client; a usage error when no registry is configured. */
  registry(why: string): SchemaRegistryClient {
    const registry = this.registryIfConfigured();
    if (!registry)
      throw new UsageError(
        `${why} needs a schema registry: pass --registry <url> or set SCHEMA_REGISTRY_URL`,
      );
    return registry;
  }

  registryIfConfigured(): SchemaRegistryClient | undefined {
    const config = this.settings.registry;
    if (!config) return undefined;
    this.registry_ ??= new SchemaRegistryClient({
      url: config.url,
      auth: config.auth,
      retries: 1,
      timeoutMs: this.settings.timeoutMs,
    });
    return this.registry_;
  }

  /** A signal that aborts after the timeout, for admin calls. */
  signal(): AbortSignal {
    return AbortSignal.timeout(this.settings.timeoutMs);
  }

  async close(): Promise<void> {
    await this.admin_?.disconnect();
  }
}

function isUnreachable(error: unknown): boolean {
  if (error instanceof TimeoutError || error instanceof ConnectionError) return true;
  return error instanceof RetriesExhaustedError && error.cause instanceof ConnectionError;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `action` with clients for the resolved connection, closing them after, and turns client errors into the
 * one-line errors a person can act on (errors.ts).
 */
export async function withClients<T>(
  flags: ConnectionFlags,
  io: CliIo,
  action: (clients: Clients) => Promise<T>,
): Promise<T> {
  const settings = await resolveConnection(flags, io);
  const clients = new Clients(settings, io.env, io.stderr);
  try {
    return await action(clients);
  } catch (error) {
    throw explain(error, clients.brokers);
  } finally {
    await clients.close();
  }
}
