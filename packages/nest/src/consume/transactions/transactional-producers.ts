import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import type { KafkaLike, ProducerLike, TransactionLike } from '../../client/kafka-like.js';
import { SamsaConfigurationError } from '../../errors.js';
import type { SubscriptionSpec } from '../subscription-spec.js';
import type { TransactionStateSource } from './transaction-failures.js';

/** A producer with transactions, as both clients have them. */
export type TransactionalProducer = ProducerLike &
  TransactionStateSource & { transaction(): Promise<TransactionLike> };

/**
 * The default `transactionalIdPrefix`: `<clientId>-<host name>-<process id>`. Unique among running
 * processes (two live producers with one transactional id fence each other), and stable across
 * restarts where host name and process id are (a container's pid 1 in a StatefulSet pod), which lets
 * a restarted instance fence its predecessor and abort its open transactions at once.
 */
export function defaultTransactionalIdPrefix(clientId: string): string {
  return `${clientId}-${hostname()}-${process.pid}`;
}

/**
 * The transactional ids of a subscription's producers: `<prefix>:<groupId>:<handler>:<n>`, one per
 * partition it handles at once. With KIP-447 the group generation fences a member that lost its
 * partitions, so the ids need not follow partitions (Spring Kafka's EOS v2): stable per instance is
 * enough, and it is what makes a restart fence the instance's own zombie.
 */
export function transactionalIds(prefix: string, spec: SubscriptionSpec): string[] {
  return Array.from(
    { length: spec.partitionsConcurrently },
    (_, n) => `${prefix}:${spec.groupId}:${spec.id}:${n}`,
  );
}

/** A transactional producer that has connected, and the id it holds. */
export interface ConnectedTransactionalProducer {
  readonly transactionalId: string;
  readonly producer: ProducerLike;
}

/** Transactional ids held by a running subscription of this process, and by which. */
const claimed = new Map<string, TransactionalProducers>();

interface Slot {
  readonly id: string;
  producer: TransactionalProducer | undefined;
  busy: boolean;
}

/** A producer lent to one delivery; give it back with `release()`. */
export interface ProducerLease {
  readonly transactionalId: string;
  readonly producer: TransactionalProducer;
  /** The producer cannot be trusted with another transaction (an abort failed): the next lease gets a new one. */
  discard(): void;
  release(): void;
}

/**
 * The transactional producers of one subscription: one per partition handled at once, since a producer
 * has one transaction at a time. All of them start (InitProducerId, which fences an older instance
 * with the same id and aborts its open transaction) before the consumer joins its group.
 */
export class TransactionalProducers {
  private readonly slots: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private closed = false;

  constructor(
    private readonly kafka: KafkaLike,
    private readonly config: Record<string, unknown>,
    /** The subscription's id, for messages. */
    readonly owner: string,
    ids: readonly string[],
    private readonly logger: LoggerService,
  ) {
    this.slots = ids.map((id) => ({ id, producer: undefined, busy: false }));
  }

  get ids(): string[] {
    return this.slots.map((slot) => slot.id);
  }

  /** Claims the ids in this process and starts every producer; throws when one cannot start. */
  async start(): Promise<void> {
    const taken = this.slots.find((slot) => claimed.has(slot.id) && claimed.get(slot.id) !== this);
    if (taken) {
      const by = claimed.get(taken.id)!.owner;
      throw new SamsaConfigurationError(`@Subscribe on ${this.owner}`, [
        `its transactional id '${taken.id}' is in use by ${by}, running in this process: two producers with ` +
          `one transactional id fence each other. Give each SamsaModule (or SamsaServer) its own 'transactionalIdPrefix'`,
      ]);
    }
    for (const slot of this.slots) claimed.set(slot.id, this);
    try {
      await Promise.all(this.slots.map(async (slot) => void (await this.open(slot))));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** A free producer (one per partition handled at once, so one is free unless something leaks). */
  async acquire(): Promise<ProducerLease> {
    if (this.closed) throw new Error(`the transactional producers of ${this.owner} are closed`);
    const free = this.slots.find((slot) => !slot.busy);
    const slot = free ?? (await new Promise<Slot>((resolve) => this.waiting.push(resolve)));
    slot.busy = true;
    let producer: TransactionalProducer;
    try {
      producer = slot.producer ?? (await this.open(slot));
    } catch (error) {
      this.free(slot);
      throw error;
    }
    let done = false;
    return {
      transactionalId: slot.id,
      producer,
      discard: () => {
        if (slot.producer !== producer) return;
        slot.producer = undefined;
        producer.disconnect().catch(() => undefined);
      },
      release: () => {
        if (done) return;
        done = true;
        this.free(slot);
      },
    };
  }

  /** Disconnects every producer and gives the ids back. */
  async close(): Promise<void> {
    this.closed = true;
    const producers = this.slots.flatMap((slot) => (slot.producer ? [slot.producer] : []));
    for (const slot of this.slots) {
      slot.producer = undefined;
      if (claimed.get(slot.id) === this) claimed.delete(slot.id);
    }
    const results = await Promise.allSettled(producers.map((producer) => producer.disconnect()));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn?.(
          `${this.owner}: closing a transactional producer failed: ${(result.reason as Error)?.message}`,
        );
      }
    }
  }

  /** The producers connected so far, with their ids (for metrics); a slot opens its producer on first use. */
  connected(): ConnectedTransactionalProducer[] {
    return this.slots.flatMap((slot) =>
      slot.producer ? [{ transactionalId: slot.id, producer: slot.producer }] : [],
    );
  }

  private free(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** Creates and connects the slot's producer: InitProducerId with its transactional id. */
  private async open(slot: Slot): Promise<TransactionalProducer> {
    let producer: TransactionalProducer;
    try {
      producer = this.kafka.producer({ ...this.config, transactionalId: slot.id }) as TransactionalProducer;
    } catch (error) {
      throw new SamsaConfigurationError(`@Subscribe on ${this.owner}`, [
        `its transactional producer cannot be made from SamsaModule's 'producer' options: ${(error as Error).message}`,
      ]);
    }
    if (typeof producer.transaction !== 'function') {
      throw new SamsaConfigurationError(`@Subscribe on ${this.owner}`, [
        `'transactional: true' needs a client whose producers have transaction() (@samsa/core-client, KafkaJS); ` +
          'the configured client has none',
      ]);
    }
    await producer.connect();
    if (this.closed) {
      await producer.disconnect().catch(() => undefined);
      throw new Error(`the transactional producers of ${this.owner} are closed`);
    }
    slot.producer = producer;
    return producer;
  }
}
