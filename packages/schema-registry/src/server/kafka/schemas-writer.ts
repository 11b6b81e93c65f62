/**
 * The leader's writes to the schemas topic, through a transactional producer with one fixed transactional id for
 * the whole registry (default `<topic>-writer`, `_schemas-writer`). Claiming the id (InitProducerId) fences the
 * producer of whichever instance held it before and aborts its open transaction, so when two instances both
 * believe they lead (a split election, a leader that paused through a rebalance), the broker refuses the older
 * one's writes instead of letting it append schema ids decided on a state it has not caught up with.
 *
 * Each write is one transaction; the registry reads the topic read_committed, so an aborted write (its leader was
 * fenced mid-write) is never applied anywhere.
 */
import { type Kafka, type Producer, ProducerFencedError, TransactionFatalError } from '@samsa/core-client';
import { RegistryStoreError, RegistryWriterFencedError } from '../../errors.js';

export interface SchemasWriterOptions {
  kafka: Kafka;
  topic: string;
  /** The transactional id every instance of the registry writes with; `false`: a plain idempotent producer (no fencing). */
  transactionalId: string | false;
  /** Told when this instance was fenced: another one took the writer role over. */
  onFenced?: (error: RegistryWriterFencedError) => void;
  log: (line: string) => void;
}

export class SchemasWriter {
  private producer: Producer | null = null;
  private claiming: Promise<Producer> | null = null;
  private closed = false;

  constructor(private readonly options: SchemasWriterOptions) {}

  get transactionalId(): string | false {
    return this.options.transactionalId;
  }

  /** Takes the writer role unless this instance holds it: InitProducerId fences the previous holder. */
  async claim(): Promise<void> {
    await this.connected();
  }

  /** Appends records in one transaction (one batch); resolves with the offset of the last one, once committed. */
  async write(messages: { key: string; value: string | null; partition: number }[]): Promise<bigint> {
    const producer = await this.connected();
    const { topic, transactionalId } = this.options;
    if (transactionalId === false) return lastOffset(await producer.send({ topic, messages }));
    const transaction = await producer.transaction();
    try {
      const sent = await transaction.send({ topic, messages });
      await transaction.commit();
      return lastOffset(sent);
    } catch (error) {
      if (error instanceof ProducerFencedError) throw this.fenced(producer, error);
      if (error instanceof TransactionFatalError || producer.transactionState === 'FATAL_ERROR') {
        this.discard(producer);
        throw new RegistryStoreError(
          `The writer of ${topic} (transactional id ${transactionalId}) cannot go on: ${(error as Error).message}. ` +
            'The next write starts a new one; if this repeats, check that the registry may use this transactional ' +
            'id (ACL: WRITE on TransactionalId)',
          { cause: error },
        );
      }
      // Abortable: nothing of the write is visible. A producer that cannot even abort is replaced; the new one's
      // InitProducerId aborts the transaction for it. A Produce refused for a stale epoch (INVALID_PRODUCER_EPOCH)
      // is abortable, and the abort is what finds out that another instance took the writer over (KIP-588).
      if (transaction.isActive()) {
        try {
          await transaction.abort();
        } catch (abortError) {
          if (abortError instanceof ProducerFencedError) throw this.fenced(producer, abortError);
          this.discard(producer);
        }
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer ?? (await this.claiming?.catch(() => null));
    this.producer = null;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.closed) return Promise.reject(new RegistryStoreError('The Kafka store is closed'));
    if (this.producer) return Promise.resolve(this.producer);
    this.claiming ??= this.open().finally(() => {
      this.claiming = null;
    });
    return this.claiming;
  }

  private async open(): Promise<Producer> {
    const { kafka, topic, transactionalId } = this.options;
    const producer = kafka.producer({
      acks: -1,
      enableIdempotence: true,
      lingerMs: 0,
      allowAutoTopicCreation: false,
      ...(transactionalId === false ? {} : { transactionalId }),
    });
    await producer.connect();
    if (this.closed) {
      await producer.disconnect().catch(() => undefined);
      throw new RegistryStoreError('The Kafka store is closed');
    }
    if (transactionalId !== false) {
      this.options.log(`Writing to ${topic} as its only writer (transactional id ${transactionalId})`);
    }
    this.producer = producer;
    return producer;
  }

  /** The next write starts a new producer (whose InitProducerId takes the role back). */
  private discard(producer: Producer): void {
    if (this.producer === producer) this.producer = null;
    producer.disconnect().catch(() => undefined);
  }

  /** Gives the fenced producer up (the next claim starts a new one) and says what happened. */
  private fenced(producer: Producer, cause: unknown): RegistryWriterFencedError {
    this.discard(producer);
    const { topic, transactionalId } = this.options;
    const error = new RegistryWriterFencedError(
      `This instance can no longer write to ${topic}: another schema registry instance took over as its writer ` +
        `(transactional id ${transactionalId}), so this one is not the leader any more. The write was not ` +
        'applied; send it again (it goes to the current leader).',
      { cause },
    );
    this.options.log(`error: ${error.message}`);
    this.options.onFenced?.(error);
    return error;
  }
}

function lastOffset(sent: { records: { offset: string }[] }): bigint {
  return sent.records.reduce((max, r) => (BigInt(r.offset) > max ? BigInt(r.offset) : max), -1n);
}
