/** The winston adapter with the real winston: passed as `logger`, namespaces, levels, and the logCreator form. */
import { Writable } from 'node:stream';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { Kafka, LogLevel, winstonLogCreator, winstonLogger } from '../../src/index.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('winston', () => {
  it('is recognized as `logger` and receives the client’s entries with their namespace', async () => {
    const { logger, lines } = capture('info');
    const kafka = new Kafka({ brokers: ['127.0.0.1:9'], logger });
    kafka.consumer({ groupId: 'g', groupProtocol: 'consumer', sessionTimeoutMs: 10_000 });
    await waitFor('the warning', () => lines.length > 0);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      namespace: 'consumer',
      groupId: 'g',
      message: expect.stringContaining('sessionTimeoutMs is not used'),
    });
  });

  it('follows the winston logger’s level, also when it changes', async () => {
    const { logger, lines } = capture('warn');
    const log = winstonLogger(logger).namespace('producer');
    expect(log.level).toBe(LogLevel.WARN);
    log.info('dropped');
    log.error('kept', { topic: 't' });
    logger.level = 'debug';
    expect(log.level).toBe(LogLevel.DEBUG);
    log.debug('now kept');
    await waitFor('two lines', () => lines.length === 2);
    expect(lines.map((l) => [l.level, l.message, l.namespace, l.topic])).toEqual([
      ['error', 'kept', 'producer', 't'],
      ['debug', 'now kept', 'producer', undefined],
    ]);
  });

  it('works as a KafkaJS-style logCreator too', async () => {
    const { logger, lines } = capture('debug');
    const kafka = new Kafka({
      brokers: ['127.0.0.1:9'],
      logLevel: LogLevel.DEBUG,
      logCreator: winstonLogCreator(logger),
    });
    kafka.logger().namespace('admin').info('hello', { n: 1 });
    await waitFor('a line', () => lines.length === 1);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'hello', namespace: 'admin', n: 1 });
  });
});
