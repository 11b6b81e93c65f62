/** The pino adapter with the real pino: passed as `logger`, namespaces, levels, and the logCreator form. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Kafka, LogLevel, pinoLogCreator, pinoLogger } from '../../src/index.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('pino', () => {
  it('is recognized as `logger` and receives the client’s entries with their namespace', () => {
    const { logger, lines } = capture('info');
    const kafka = new Kafka({ brokers: ['127.0.0.1:9'], logger });
    // A consumer protocol member warns about classic-only options as it is built.
    kafka.consumer({ groupId: 'g', groupProtocol: 'consumer', sessionTimeoutMs: 10_000 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30 + 10, // pino's warn
      namespace: 'consumer',
      groupId: 'g',
      msg: expect.stringContaining('sessionTimeoutMs is not used'),
    });
  });

  it('follows the pino logger’s level, also when it changes', () => {
    const { logger, lines } = capture('warn');
    const log = pinoLogger(logger).namespace('producer').namespace('accumulator');
    expect(log.level).toBe(LogLevel.WARN);
    log.info('dropped');
    log.error('kept', { topic: 't' });
    logger.level = 'debug';
    expect(log.level).toBe(LogLevel.DEBUG);
    log.debug('now kept');
    expect(lines.map((l) => [l.msg, l.namespace, l.topic])).toEqual([
      ['kept', 'producer.accumulator', 't'],
      ['now kept', 'producer.accumulator', undefined],
    ]);
  });

  it('works as a KafkaJS-style logCreator too', () => {
    const { logger, lines } = capture('debug');
    const kafka = new Kafka({
      brokers: ['127.0.0.1:9'],
      logLevel: LogLevel.DEBUG,
      logCreator: pinoLogCreator(logger),
    });
    kafka.logger().namespace('admin').debug('hello', { n: 1 });
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'hello', namespace: 'admin', n: 1 })]);
  });
});
