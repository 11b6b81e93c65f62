import { ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  classifyTransactionError,
  type TransactionApi,
  type TransactionErrorClass,
} from '../../src/producer/transaction-errors.js';

/** Java's TransactionManager handlers (and Sender for Produce), code by code. */
const TABLE: [TransactionApi, keyof typeof ErrorCode, TransactionErrorClass][] = [
  ['InitProducerId', 'NOT_COORDINATOR', 'refind'],
  ['InitProducerId', 'COORDINATOR_NOT_AVAILABLE', 'refind'],
  ['InitProducerId', 'COORDINATOR_LOAD_IN_PROGRESS', 'retry'],
  ['InitProducerId', 'CONCURRENT_TRANSACTIONS', 'retry'],
  ['InitProducerId', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'fatal'],
  ['InitProducerId', 'CLUSTER_AUTHORIZATION_FAILED', 'fatal'],
  ['InitProducerId', 'PRODUCER_FENCED', 'fenced'],
  ['InitProducerId', 'INVALID_PRODUCER_EPOCH', 'fenced'],
  ['InitProducerId', 'INVALID_TRANSACTION_TIMEOUT', 'fatal'],
  ['AddPartitionsToTxn', 'CONCURRENT_TRANSACTIONS', 'retry'],
  ['AddPartitionsToTxn', 'UNKNOWN_TOPIC_OR_PARTITION', 'retry'],
  ['AddPartitionsToTxn', 'TOPIC_AUTHORIZATION_FAILED', 'abortable'],
  ['AddPartitionsToTxn', 'OPERATION_NOT_ATTEMPTED', 'abortable'],
  ['AddPartitionsToTxn', 'INVALID_TXN_STATE', 'fatal'],
  ['AddPartitionsToTxn', 'UNKNOWN_PRODUCER_ID', 'abortable-bump'],
  ['AddPartitionsToTxn', 'INVALID_PRODUCER_ID_MAPPING', 'abortable-bump'],
  ['AddPartitionsToTxn', 'PRODUCER_FENCED', 'fenced'],
  ['AddOffsetsToTxn', 'GROUP_AUTHORIZATION_FAILED', 'abortable'],
  ['AddOffsetsToTxn', 'INVALID_PRODUCER_EPOCH', 'fenced'],
  ['TxnOffsetCommit', 'REQUEST_TIMED_OUT', 'refind'],
  ['TxnOffsetCommit', 'NOT_COORDINATOR', 'refind'],
  ['TxnOffsetCommit', 'UNKNOWN_MEMBER_ID', 'abortable'],
  ['TxnOffsetCommit', 'ILLEGAL_GENERATION', 'abortable'],
  ['TxnOffsetCommit', 'FENCED_INSTANCE_ID', 'abortable'],
  ['TxnOffsetCommit', 'UNSUPPORTED_FOR_MESSAGE_FORMAT', 'fatal'],
  ['EndTxn', 'CONCURRENT_TRANSACTIONS', 'retry'],
  ['EndTxn', 'INVALID_TXN_STATE', 'fatal'],
  ['EndTxn', 'PRODUCER_FENCED', 'fenced'],
  ['EndTxn', 'UNKNOWN_SERVER_ERROR', 'fatal'],
  ['EndTxn', 'NOT_ENOUGH_REPLICAS', 'retry'],
  ['FindCoordinator', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'fatal'],
  ['FindCoordinator', 'GROUP_AUTHORIZATION_FAILED', 'abortable'],
  ['Produce', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'fatal'],
  ['Produce', 'CLUSTER_AUTHORIZATION_FAILED', 'fatal'],
  ['Produce', 'UNSUPPORTED_VERSION', 'fatal'],
  ['Produce', 'PRODUCER_FENCED', 'fenced'],
  ['Produce', 'INVALID_PRODUCER_EPOCH', 'abortable'],
  ['Produce', 'INVALID_TXN_STATE', 'abortable'],
  ['Produce', 'TRANSACTION_ABORTABLE', 'abortable'],
  ['Produce', 'OUT_OF_ORDER_SEQUENCE_NUMBER', 'abortable-bump'],
  ['Produce', 'MESSAGE_TOO_LARGE', 'abortable'],
  ['Produce', 'TOPIC_AUTHORIZATION_FAILED', 'abortable'],
];

describe('classifyTransactionError', () => {
  it.each(TABLE)('%s %s → %s', (api, name, expected) => {
    expect(classifyTransactionError(api, ErrorCode[name])).toBe(expected);
  });

  it('retries every code the protocol marks retriable on coordinator requests', () => {
    for (const name of [
      'NOT_ENOUGH_REPLICAS',
      'REQUEST_TIMED_OUT',
      'NETWORK_EXCEPTION',
      'KAFKA_STORAGE_ERROR',
    ] as const) {
      expect(['retry', 'refind']).toContain(classifyTransactionError('AddOffsetsToTxn', ErrorCode[name]));
    }
  });
});
