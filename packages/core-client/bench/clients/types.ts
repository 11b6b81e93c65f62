/**
 * What a benchmarked client implements. Each run happens in a fresh process (bench/worker.ts), so
 * clients do not share heaps or JIT state. To add a client (or the consumer side of one), add a
 * module here exporting a `BenchClient` and list it in clients/index.ts.
 */
export interface ProduceBenchOptions {
  bootstrap: string[];
  topic: string;
  /** Messages to send in total. */
  count: number;
  /** Value size in bytes (keys are null). */
  valueSize: number;
  acks: 1 | -1;
  /** Messages per send() call. */
  batch: number;
  /** send() calls in flight at once. */
  window: number;
  /** Transactional clients: records per transaction (each transaction is committed before the next starts). */
  recordsPerTransaction?: number;
}

export interface ConsumeBenchOptions {
  bootstrap: string[];
  topic: string;
  /** Stop after this many messages. */
  count: number;
  groupId: string;
}

export interface BenchClient {
  name: string;
  /** Produce scenarios with another acks setting are skipped (e.g. idempotence needs -1). */
  onlyAcks?: -1 | 1;
  /** Runs only the transactional produce scenarios (bench/transactional.ts), and only those. */
  transactional?: boolean;
  /** undefined when usable, else why not (e.g. "node-rdkafka is not installed"). */
  unavailable(): Promise<string | undefined>;
  /**
   * Sends `count` messages; resolves when all are acknowledged. `warmup()` is called first (not timed):
   * connect and send a few messages so connection setup and metadata are not measured.
   */
  producer?(
    options: ProduceBenchOptions,
  ): Promise<{ warmup(): Promise<void>; run(): Promise<void>; close(): Promise<void> }>;
  /** Consumes `count` messages from the beginning of the topic; resolves when all were seen. */
  consumer?(options: ConsumeBenchOptions): Promise<{ run(): Promise<number>; close(): Promise<void> }>;
}

/** Runs `send(i)` for i in [0, calls) with at most `window` in flight. */
export async function windowed(
  calls: number,
  window: number,
  send: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(window, calls) }, async () => {
    while (next < calls) await send(next++);
  });
  await Promise.all(lanes);
}

/**
 * Sends `count` records in transactions of `perTransaction`, each used the way its client is meant
 * to be: `batch`-record sends with at most `window` in flight, then the commit. With
 * `commitWaitsForSends` (Samsa: commit flushes and waits for the transaction's sends) the commit
 * follows the last send at once; otherwise (KafkaJS: commit does not wait) the sends are awaited first.
 */
export async function inTransactions(
  count: number,
  perTransaction: number,
  batch: number,
  window: number,
  commitWaitsForSends: boolean,
  transaction: () => Promise<{ send(records: number): Promise<unknown>; commit(): Promise<void> }>,
): Promise<void> {
  for (let sent = 0; sent < count; sent += perTransaction) {
    const n = Math.min(perTransaction, count - sent);
    const txn = await transaction();
    const size = Math.min(batch, n);
    const calls = Math.ceil(n / size);
    if (commitWaitsForSends) {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < calls; i++) sends.push(txn.send(Math.min(size, n - i * size)));
      await txn.commit();
      await Promise.all(sends);
    } else {
      await windowed(calls, window, (i) => txn.send(Math.min(size, n - i * size)));
      await txn.commit();
    }
  }
}
