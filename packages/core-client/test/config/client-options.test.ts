import { describe, expect, it } from 'vitest';
import { resolveClientConfig } from '../../src/config/client-options.js';
import { ConfigurationError, createLogger, Kafka, LogLevel } from '../../src/index.js';

/** A logger that keeps the warnings it is given. */
function warnings() {
  const lines: string[] = [];
  const logger = createLogger(LogLevel.WARN, () => (entry) => void lines.push(entry.log.message));
  return { logger, lines };
}

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toContain((err as ConfigurationError).option);
    return (err as ConfigurationError).option;
  }
  return undefined;
}

describe('client configuration', () => {
  it('fails fast naming the bad option', () => {
    expect(optionOf(() => new Kafka({ brokers: [] }))).toBe('brokers');
    expect(optionOf(() => new Kafka({ brokers: ['localhost'] }))).toBe('brokers');
    expect(optionOf(() => new Kafka({ brokers: ['h:99999'] }))).toBe('brokers');
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], requestTimeoutMs: -1 }))).toBe('requestTimeoutMs');
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], requestTimeoutMs: 'x' as never }))).toBe(
      'requestTimeoutMs',
    );
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], retry: { retries: 1.5 } }))).toBe('retry.retries');
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], retry: { factor: 3 } }))).toBe('retry.factor');
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], sasl: { mechanism: 'oauth' } as never }))).toBe(
      'sasl.mechanism',
    );
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], ssl: 'yes' as never }))).toBe('ssl');
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], logLevel: 3 as never }))).toBe('logLevel');
  });

  it('rejects unknown options and suggests the Java-style name', () => {
    const option = optionOf(() => new Kafka({ brokers: ['h:1'], request_timeout: 5 } as never));
    expect(option).toBe('request_timeout');
    expect(() => new Kafka({ brokers: ['h:1'], requestTimeoutMS: 5 } as never)).toThrow(
      /new Kafka\(\): unknown option 'requestTimeoutMS' \(did you mean 'requestTimeoutMs'\?\)/,
    );
  });

  it('accepts KafkaJS spellings as aliases, but not two different values', () => {
    const k = new Kafka({
      brokers: ['h:1'],
      connectionTimeout: 1234,
      requestTimeout: 4321,
      retry: { initialRetryTime: 10, maxRetryTime: 20 },
    });
    expect(k.config.connectionTimeoutMs).toBe(1234);
    expect(k.config.requestTimeoutMs).toBe(4321);
    expect(k.config.retry.initialRetryTimeMs).toBe(10);
    expect(k.config.retry.maxRetryTimeMs).toBe(20);
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], requestTimeoutMs: 1, requestTimeout: 2 }))).toBe(
      'requestTimeoutMs',
    );
  });

  it('gives every KafkaJS option a meaning or a reason: socketFactory, authenticationTimeout, restartOnFailure', () => {
    const socketFactory = () => {
      throw new Error('not called here');
    };
    const restartOnFailure = async () => false;
    const k = new Kafka({
      brokers: ['h:1'],
      socketFactory,
      authenticationTimeout: 2500,
      retry: { restartOnFailure },
    });
    expect(k.config.socketFactory).toBe(socketFactory);
    expect(k.config.authenticationTimeoutMs).toBe(2500);
    expect(k.config.restartOnFailure).toBe(restartOnFailure);
    expect(new Kafka({ brokers: ['h:1'] }).config.authenticationTimeoutMs).toBe(10_000);
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], socketFactory: 'net' as never }))).toBe(
      'socketFactory',
    );
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], retry: { restartOnFailure: true as never } }))).toBe(
      'retry.restartOnFailure',
    );
  });

  it('warns that enforceRequestTimeout: false has no effect, and why; reauthenticationThreshold is in effect', () => {
    const { logger, lines } = warnings();
    new Kafka({ brokers: ['h:1'], logger, reauthenticationThreshold: 10_000, enforceRequestTimeout: false });
    expect(lines).toEqual([
      'enforceRequestTimeout: false has no effect: Samsa always enforces requestTimeoutMs, because an unanswered ' +
        'request would hold up every request behind it on the connection. Raise requestTimeoutMs instead (now 30000)',
    ]);
    const quiet = warnings();
    new Kafka({ brokers: ['h:1'], logger: quiet.logger, enforceRequestTimeout: true });
    expect(quiet.lines).toEqual([]);
    expect(optionOf(() => new Kafka({ brokers: ['h:1'], reauthenticationThreshold: 'soon' as never }))).toBe(
      'reauthenticationThreshold',
    );
  });

  it("keeps reauthenticationThreshold (KafkaJS's default 10000) for in-place re-authentication", () => {
    const { logger } = warnings();
    expect(resolveClientConfig({ brokers: ['h:1'], logger }).reauthenticationThresholdMs).toBe(10_000);
    expect(
      resolveClientConfig({ brokers: ['h:1'], logger, reauthenticationThreshold: 25_000 })
        .reauthenticationThresholdMs,
    ).toBe(25_000);
  });

  it('suggests the option meant for near misses of short names too', () => {
    expect(() => new Kafka({ brokers: ['h:1'], sls: true } as never)).toThrow(
      /unknown option 'sls' \(did you mean 'ssl'\?\)/,
    );
    expect(() => new Kafka({ brokers: ['h:1'] }).producer({ ack: 1 } as never)).toThrow(
      /producer\(\): unknown option 'ack' \(did you mean 'acks'\?\)/,
    );
    expect(() => new Kafka({ brokers: ['h:1'] }).consumer({ groupId: 'g', rtry: {} } as never)).toThrow(
      /unknown option 'rtry' \(did you mean 'retry'\?\)/,
    );
  });

  it('uses Java defaults', () => {
    const k = new Kafka({ brokers: ['h:1'] });
    expect(k.config.requestTimeoutMs).toBe(30_000);
    expect(k.config.connectionTimeoutMs).toBe(10_000);
    expect(k.config.metadataMaxAgeMs).toBe(300_000);
    expect(k.config.reconnectBackoffMs).toBe(50);
    expect(k.config.reconnectBackoffMaxMs).toBe(1000);
  });
});

describe('producer configuration', () => {
  const kafka = new Kafka({ brokers: ['127.0.0.1:1'] });

  it('has Java defaults (Kafka 4 lingerMs)', () => {
    const c = kafka.producer().config;
    expect(c.acks).toBe(-1);
    expect(c.lingerMs).toBe(5);
    expect(c.batchSize).toBe(16_384);
    expect(c.bufferMemory).toBe(33_554_432);
    expect(c.maxInFlightRequestsPerConnection).toBe(5);
    expect(c.deliveryTimeoutMs).toBe(120_000);
    expect(c.maxRequestSize).toBe(1_048_576);
    expect(c.compression).toBe(0);
    expect(c.builtInPartitioner).toBe('default');
  });

  it('fails fast naming the bad option', () => {
    expect(optionOf(() => kafka.producer({ acks: 2 }))).toBe('acks');
    expect(optionOf(() => kafka.producer({ lingerMs: -1 }))).toBe('lingerMs');
    expect(optionOf(() => kafka.producer({ batchSize: 0 }))).toBe('batchSize');
    expect(optionOf(() => kafka.producer({ compressionType: 'brotli' as never }))).toBe('compressionType');
    expect(optionOf(() => kafka.producer({ bufferMemory: 2000, batchSize: 4000 }))).toBe('bufferMemory');
    expect(
      optionOf(() => kafka.producer({ deliveryTimeoutMs: 10, lingerMs: 5, requestTimeoutMs: 100 })),
    ).toBe('deliveryTimeoutMs');
    expect(optionOf(() => kafka.producer({ partitioner: 'murmur' as never }))).toBe('partitioner');
    expect(optionOf(() => kafka.producer({ maxInFlightRequestsPerConnection: 0 }))).toBe(
      'maxInFlightRequestsPerConnection',
    );
    expect(optionOf(() => kafka.producer({ keySerializer: 'json' as never }))).toBe('keySerializer');
    expect(optionOf(() => kafka.producer({ linger: 5 } as never))).toBe('linger');
    expect(optionOf(() => kafka.producer({ idempotent: true, acks: 1 }))).toBe('acks');
    expect(
      optionOf(() => kafka.producer({ enableIdempotence: true, maxInFlightRequestsPerConnection: 6 })),
    ).toBe('maxInFlightRequestsPerConnection');
    expect(optionOf(() => kafka.producer({ transactionalId: '' }))).toBe('transactionalId');
  });

  it('accepts acks "all", compression names and KafkaJS aliases', () => {
    expect(kafka.producer({ acks: 'all' }).config.acks).toBe(-1);
    expect(kafka.producer({ compressionType: 'zstd' }).config.compression).toBe(4);
    expect(kafka.producer({ maxInFlightRequests: 1 }).config.maxInFlightRequestsPerConnection).toBe(1);
    expect(kafka.producer({ createPartitioner: () => () => 0 }).config.builtInPartitioner).toBeUndefined();
  });
});
