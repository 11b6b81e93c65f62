import type { RegistryRecord } from './records.js';

/**
 * Where the registry keeps its state: an ordered, replayable log of `_schemas`-shaped records. Every instance
 * consumes the whole log into memory; only the elected leader appends. The in-memory log below serves tests and
 * single-process development; `KafkaRegistryLog` (kafka/kafka-log.ts: a compacted single-partition `_schemas`
 * topic through @samsa/core-client) is the durable one.
 */
export interface RegistryLog {
  /**
   * Replays every record from the start of the log through `apply`, then keeps delivering new records (appended by
   * any instance) in log order. Resolves once every record that existed at call time has been applied.
   */
  start(apply: (record: RegistryRecord) => void): Promise<void>;
  /**
   * Appends records in order (one write may produce several, e.g. the tombstones of a permanent delete). Resolves
   * once they have been applied through `apply`, so the write is visible to reads when this resolves.
   */
  append(records: readonly RegistryRecord[]): Promise<void>;
  /**
   * Resolves once every record appended anywhere before this call has been applied locally (Confluent's
   * `waitUntilKafkaReaderReachesLastOffset`). The leader calls it before each write.
   */
  catchUp(): Promise<void>;
  /**
   * Makes this instance the log's only writer before a write (the leader calls it ahead of the catch-up): a log
   * that can fence (Kafka's, through a transactional id) refuses every later append of a previous writer, so a
   * stale leader cannot append records decided on a state that the catch-up after the claim no longer shows.
   */
  claimWriter?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Who may write. Confluent elects the leader through a Kafka consumer group (protocol type "sr"): the
 * leader-eligible member with the smallest URL wins, and followers forward writes to it over HTTP.
 * `KafkaLeaderElection` (kafka/kafka-election.ts) does the same.
 */
export interface LeaderElection {
  /**
   * Joins the election. `selfUrl` is the URL this instance listens on (the server starts listening first, so a
   * port chosen by the OS is known); elections advertise it unless configured with another.
   */
  start(selfUrl: string): Promise<void>;
  isLeader(): boolean;
  /** The leader's base URL (e.g. `http://10.0.0.5:8081`), or undefined while no leader is known. */
  leaderUrl(): string | undefined;
  /**
   * Resolves once a leader is known (with `other`: a leader whose URL is not `other`), or after `timeoutMs`.
   * Elections that pass through leaderless moments (a rebalance after an instance left) implement it so that
   * writes wait the election out instead of failing with 50004 or 50003; without it, such writes fail at once.
   */
  waitForLeader?(timeoutMs: number, other?: string): Promise<void>;
  close(): Promise<void>;
}

/** A log held in memory. Several registry instances may share one to behave like instances on one topic. */
export class MemoryRegistryLog implements RegistryLog {
  readonly records: RegistryRecord[] = [];
  private readonly subscribers = new Set<(record: RegistryRecord) => void>();

  async start(apply: (record: RegistryRecord) => void): Promise<void> {
    for (const record of this.records) apply(record);
    this.subscribers.add(apply);
  }

  async append(records: readonly RegistryRecord[]): Promise<void> {
    for (const record of records) {
      // Records are copied so that no instance can change another's state through a shared object.
      const copy = structuredClone(record);
      this.records.push(copy);
      for (const apply of this.subscribers) apply(structuredClone(copy));
    }
  }

  async catchUp(): Promise<void> {}

  async close(): Promise<void> {
    this.subscribers.clear();
  }
}

/** The only instance, always the leader. */
export class SoloLeaderElection implements LeaderElection {
  constructor(private readonly selfUrl?: string) {}
  async start(): Promise<void> {}
  isLeader(): boolean {
    return true;
  }
  leaderUrl(): string | undefined {
    return this.selfUrl;
  }
  async close(): Promise<void> {}
}

/** A fixed leader chosen by configuration (handy for tests of forwarding, and for a primary/replica deployment). */
export class StaticLeaderElection implements LeaderElection {
  constructor(private readonly options: { leaderUrl: string | undefined; isLeader: boolean }) {}
  async start(): Promise<void> {}
  isLeader(): boolean {
    return this.options.isLeader;
  }
  leaderUrl(): string | undefined {
    return this.options.leaderUrl;
  }
  async close(): Promise<void> {}
}
