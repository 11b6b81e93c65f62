/**
 * The transaction coordinator speaks today's error codes; older request versions know fewer, and
 * Kafka translates (KafkaApis, AddPartitionsToTxnManager): PRODUCER_FENCED (KIP-588) becomes
 * INVALID_PRODUCER_EPOCH and TRANSACTION_ABORTABLE (KIP-890) becomes INVALID_TXN_STATE.
 */
import { ErrorCode } from '@samsa/protocol';

/** For InitProducerId <4 and AddPartitionsToTxn, AddOffsetsToTxn, EndTxn <2 (`fencedFrom` = 4 or 2). */
export function fencingCode(errorCode: number, apiVersion: number, fencedFrom: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && apiVersion < fencedFrom
    ? ErrorCode.INVALID_PRODUCER_EPOCH
    : errorCode;
}

/** TRANSACTION_ABORTABLE reaches only AddPartitionsToTxn v5+, AddOffsetsToTxn/EndTxn/TxnOffsetCommit v4+, ... */
export function abortableCode(errorCode: number, apiVersion: number, abortableFrom: number): number {
  return errorCode === ErrorCode.TRANSACTION_ABORTABLE && apiVersion < abortableFrom
    ? ErrorCode.INVALID_TXN_STATE
    : errorCode;
}
