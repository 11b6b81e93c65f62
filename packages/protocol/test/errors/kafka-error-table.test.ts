import { describe, expect, it } from 'vitest';
import {
  createKafkaError,
  DecompressionLimitError,
  ErrorCode,
  errorCodeName,
  errorForCode,
  KafkaProtocolError,
  kafkaErrorCodeForDecodeFailure,
  kafkaErrors,
  ProtocolDecodeError,
  SamsaError,
} from '../../src/errors/index.js';

describe('kafkaErrors table', () => {
  it('covers every code from -1 through 133 exactly once', () => {
    const codes = [...kafkaErrors.keys()].sort((a, b) => a - b);
    expect(codes).toEqual(Array.from({ length: 135 }, (_, i) => i - 1));
    const types = new Set([...kafkaErrors.values()].map((e) => e.type));
    expect(types.size).toBe(kafkaErrors.size);
  });

  it('agrees with the ErrorCode constants', () => {
    for (const [type, code] of Object.entries(ErrorCode)) expect(kafkaErrors.get(code)?.type).toBe(type);
    expect(Object.keys(ErrorCode)).toHaveLength(kafkaErrors.size);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
  });

  it('names codes for log lines, and says which code it does not know', () => {
    expect(errorCodeName(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(errorCodeName(ErrorCode.UNKNOWN_SERVER_ERROR)).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorCodeName(9999)).toBe('error 9999');
  });

  it('marks retriable exactly the codes whose Java exception extends RetriableException', () => {
    const retriable = [...kafkaErrors.values()].filter((e) => e.retriable).map((e) => e.code);
    expect(retriable).toEqual([
      2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100,
      103, 106, 122, 123, 133,
    ]);
  });

  it('has an actionable message for every code', () => {
    for (const info of kafkaErrors.values()) {
      if (info.code === ErrorCode.NONE) continue;
      expect(info.message.length).toBeGreaterThan(20);
      expect(info.message.endsWith('.')).toBe(true);
    }
  });
});

describe('errorForCode / createKafkaError', () => {
  it('looks up known codes', () => {
    expect(errorForCode(ErrorCode.NOT_LEADER_OR_FOLLOWER)).toMatchObject({
      code: 6,
      type: 'NOT_LEADER_OR_FOLLOWER',
      retriable: true,
    });
    expect(errorForCode(ErrorCode.PRODUCER_FENCED)).toMatchObject({
      type: 'PRODUCER_FENCED',
      retriable: false,
    });
  });

  it('reports unknown codes as non-retriable UNKNOWN_SERVER_ERROR but keeps the code', () => {
    const info = errorForCode(999);
    expect(info).toMatchObject({ code: 999, type: 'UNKNOWN_SERVER_ERROR', retriable: false });
    expect(info.message).toContain('999');
  });

  it('builds typed errors carrying the code, type, retriability and context', () => {
    const error = createKafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, {
      apiName: 'Produce',
      topic: 'orders',
      partition: 3,
      broker: '127.0.0.1:9092',
      serverMessage: 'leader moved',
    });
    expect(error).toBeInstanceOf(KafkaProtocolError);
    expect(error).toBeInstanceOf(SamsaError);
    expect(error).toBeInstanceOf(Error);
    expect(error.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(error.type).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(error.code).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(error.retriable).toBe(true);
    expect(error.name).toBe('KafkaProtocolError');
    expect(error.message).toContain('orders[3]');
    expect(error.message).toContain('Produce');
    expect(error.message).toContain('leader moved');
    expect(error.message).toContain('refreshes metadata');
  });
});

describe('SamsaError hierarchy', () => {
  it('ProtocolDecodeError records where and why decoding failed', () => {
    const error = new ProtocolDecodeError('bad', 17, { reason: 'CRC_MISMATCH' });
    expect(error).toBeInstanceOf(SamsaError);
    expect(error.code).toBe('PROTOCOL_DECODE');
    expect(error.offset).toBe(17);
    expect(error.reason).toBe('CRC_MISMATCH');
    expect(error.message).toBe('bad (at byte 17)');
    expect(new ProtocolDecodeError('x').reason).toBe('MALFORMED');
  });

  it('DecompressionLimitError says what to do', () => {
    const error = new DecompressionLimitError('zstd', 1024);
    expect(error).toBeInstanceOf(SamsaError);
    expect(error.code).toBe('DECOMPRESSION_LIMIT');
    expect(error.maxBytes).toBe(1024);
    expect(error.message).toContain('maxDecompressedBytes');
  });

  it('maps decode failures onto the Kafka codes a broker answers with', () => {
    expect(kafkaErrorCodeForDecodeFailure('CRC_MISMATCH')).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(kafkaErrorCodeForDecodeFailure('TRUNCATED')).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(kafkaErrorCodeForDecodeFailure('RECORDS_COUNT_MISMATCH')).toBe(ErrorCode.INVALID_RECORD);
    expect(kafkaErrorCodeForDecodeFailure('UNSUPPORTED_MAGIC')).toBe(ErrorCode.INVALID_RECORD);
    expect(kafkaErrorCodeForDecodeFailure('UNSUPPORTED_COMPRESSION')).toBe(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    );
  });
});
