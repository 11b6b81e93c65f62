/**
 * `runTransactional`: the consume-transform-produce loop with exactly-once output, on a consumer
 * and a transactional producer. Each fetched batch of a partition (or each run of
 * `maxRecordsPerTransaction` of its records) is handled in one transaction: the handler's sends and
 * the commit of the input offsets past those records commit together, or not at all.
 *
 * - Offsets are committed only through the transactions (the consumer's auto-commit is off), under
 *   the consumer's group metadata (KIP-447): a member that lost its partitions in a rebalance
 *   cannot commit for them, its transaction aborts instead.
 * - A rebalance or stop while a transaction is open aborts it; the partition's next owner starts
 *   from the last committed offset, so nothing is skipped and no output is duplicated.
 * - A handler error, a failed send or an abortable transaction error aborts the transaction; the
 *   partition goes back to the last committed offset and the records are delivered again after a
 *   back-off (the consumer's redelivery).
 * - A fatal error (this producer fenced by a newer instance with the same transactionalId, not
 *   authorized, ...) stops the consumer; `done` rejects with it.
 *
 * Partitions are handled one at a time (a producer has one transaction at a time); run more
 * consumers (each with its own transactional producer) to scale out.
 */

import type { Consumer } from '../consumer/consumer.js';
import { ConsumerEvents } from '../consumer/events.js';
import type { Batch, EachBatchPayload, KafkaMessage } from '../consumer/message.js';
import { ConfigurationError } from '../errors.js';
import type { Producer } from '../producer/producer.js';
import type { Transaction } from '../producer/transaction.js';
import { TransactionFatalError } from '../producer/transaction-errors.js';
import type { ProducerBatch, ProducerRecord, SendResult } from '../producer/types.js';

/**
 * Sends into the open transaction. Awaiting a send is optional: the commit waits for every send,
 * and a failed one aborts the transaction (its promise still rejects for whoever awaits it).
 */
export interface TransactionalSend<PK, PV> {
  send(record: ProducerRecord<PK, PV>): Promise<SendResult>;
  sendBatch(batch: ProducerBatch<PK, PV>): Promise<SendResult>;
}

export interface TransactionalMessagePayload<K, V, PK, PV> {
  topic: string;
  partition: number;
  message: KafkaMessage<K, V>;
  /** The open transaction's sends. */
  producer: TransactionalSend<PK, PV>;
}

export interface TransactionalBatchPayload<K, V, PK, PV> {
  /** One fetched batch of one partition; all of it is handled in one transaction. */
  batch: Batch<K, V>;
  producer: TransactionalSend<PK, PV>;
}

export interface RunTransactionalOptions<K, V, PK, PV> {
  /** Subscribed (or assigned) and connected or not; runTransactional runs it. `isolationLevel: 'read_committed'` to read transactional input. */
  consumer: Consumer<K, V>;
  /** A connected producer with a `transactionalId`. */
  producer: Producer<PK, PV>;
  /** Transforms one input record; several records share a transaction (see maxRecordsPerTransaction). */
  eachMessage?: (payload: TransactionalMessagePayload<K, V, PK, PV>) => Promise<void> | void;
  /** Transforms one fetched batch of a partition in one transaction. */
  eachBatch?: (payload: TransactionalBatchPayload<K, V, PK, PV>) => Promise<void> | void;
  /** With eachMessage: commit at least every this many input records (and at the end of each fetched batch). Default 1000. */
  maxRecordsPerTransaction?: number;
  /** Aborting stops the loop (like `stop()`). */
  signal?: AbortSignal;
}

export interface TransactionalRun {
  /** Resolves when the loop stops (stop(), the signal, the consumer stopped); rejects with the fatal error that ended it. */
  readonly done: Promise<void>;
  /** Stops consuming; an open transaction is aborted. */
  stop(): Promise<void>;
}

/** Starts the loop; resolves once the consumer joined its group and knows where to start. */
export async function runTransactional<K, V, PK, PV>(
  options: RunTransactionalOptions<K, V, PK, PV>,
): Promise<TransactionalRun> {
  const { consumer, producer, eachMessage, eachBatch, signal } = checkOptions(options);
  const perTransaction = options.maxRecordsPerTransaction ?? 1000;
  let fatal: Error | null = null;
  let settle!: { resolve: () => void; reject: (err: Error) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Report the outcome only through `done`, even when nobody awaits it yet.
  done.catch(() => {});
  const stopListening = consumer.on(ConsumerEvents.STOP, () => {
    stopListening();
    if (fatal) settle.reject(fatal);
    else settle.resolve();
  });

  const handleBatch = async (payload: EachBatchPayload<K, V>): Promise<void> => {
    const { batch, resolveOffset } = payload;
    const messages = batch.messages;
    const live = () => payload.isRunning() && !payload.isStale();
    let i = 0;
    while (i < messages.length && live()) {
      const end = eachBatch ? messages.length : Math.min(messages.length, i + perTransaction);
      const txn = await producer.transaction();
      try {
        const sends = sendsOf(txn);
        if (eachBatch) await eachBatch({ batch, producer: sends });
        else {
          for (let j = i; j < end; j++) {
            if (!live()) break;
            await eachMessage!({
              topic: batch.topic,
              partition: batch.partition,
              message: messages[j]!,
              producer: sends,
            });
          }
        }
        if (!live()) {
          // Revoked or stopping mid-transaction: the partition's next owner does these records again.
          await txn.abort();
          return;
        }
        const next =
          end === messages.length ? batch.nextOffset() : String(BigInt(messages[end - 1]!.offset) + 1n);
        await txn.sendOffsets({
          consumer,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
        });
        await txn.commit();
      } catch (err) {
        await abortQuietly(txn);
        if (err instanceof TransactionFatalError || producer.transactionState === 'FATAL_ERROR') {
          fatal ??= err instanceof TransactionFatalError ? err : (err as Error);
          void consumer.stop();
        }
        // The consumer delivers the partition again from the last committed offset, after a back-off.
        throw err;
      }
      resolveOffset(messages[end - 1]!.offset);
      i = end;
    }
  };

  try {
    await consumer.run({
      eachBatch: handleBatch,
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      signal,
    });
  } catch (err) {
    stopListening();
    throw err;
  }
  return { done, stop: () => consumer.stop() };
}

/** The transaction's sends, with rejections kept from becoming unhandled (the commit reports them). */
function sendsOf<PK, PV>(txn: Transaction<PK, PV>): TransactionalSend<PK, PV> {
  return {
    send(record) {
      const sent = txn.send(record);
      sent.catch(() => {});
      return sent;
    },
    sendBatch(batch) {
      const sent = txn.sendBatch(batch);
      sent.catch(() => {});
      return sent;
    },
  };
}

/** Aborts if the transaction is still open and can be aborted; a producer that cannot abort is fatally broken anyway. */
async function abortQuietly(txn: Transaction<unknown, unknown>): Promise<void> {
  if (!txn.isActive()) return;
  try {
    await txn.abort();
  } catch {
    // Reported by the error that led here, or by the producer's state.
  }
}

function checkOptions<K, V, PK, PV>(options: RunTransactionalOptions<K, V, PK, PV>) {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError(
      'runTransactional',
      'expected { consumer, producer, eachMessage | eachBatch }',
    );
  const { consumer, producer, eachMessage, eachBatch } = options;
  if (typeof consumer?.run !== 'function') throw new ConfigurationError('consumer', 'expected a Consumer');
  if (typeof producer?.isTransactional !== 'function' || !producer.isTransactional()) {
    throw new ConfigurationError(
      'producer',
      "runTransactional needs a transactional producer: kafka.producer({ transactionalId: '...' }), connected",
    );
  }
  if ((eachMessage === undefined) === (eachBatch === undefined)) {
    throw new ConfigurationError(
      'eachMessage',
      'runTransactional needs exactly one of eachMessage or eachBatch',
    );
  }
  if (typeof (eachMessage ?? eachBatch) !== 'function') {
    throw new ConfigurationError(eachMessage ? 'eachMessage' : 'eachBatch', 'must be a function');
  }
  const n = options.maxRecordsPerTransaction;
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new ConfigurationError('maxRecordsPerTransaction', `expected an integer >= 1, got ${String(n)}`);
  }
  return options;
}
