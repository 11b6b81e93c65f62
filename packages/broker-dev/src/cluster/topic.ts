/** Topics and partitions as the cluster sees them: replicas, leader, ISR, epoch, and the log. */
import type { PartitionLog } from '../storage/partition-log.js';

export class PartitionState {
  /** Long-polling fetches waiting for data on this partition. */
  readonly waiters = new Set<() => void>();

  constructor(
    readonly topic: Topic,
    readonly index: number,
    /** Node ids holding a replica; the first is the preferred leader. */
    public replicas: number[],
    /** Current leader node id, -1 when no replica is up. */
    public leader: number,
    public leaderEpoch: number,
    public isr: number[],
    public log: PartitionLog,
  ) {}

  get name(): string {
    return `${this.topic.name}-${this.index}`;
  }

  /** Wakes long-polling fetches (new data, leader change, shutdown). */
  wake(): void {
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) waiter();
  }
}

export class Topic {
  partitions: PartitionState[] = [];

  constructor(
    readonly name: string,
    readonly id: string,
    /** Topic-level config overrides (Kafka names and string values). */
    public configs: Record<string, string>,
  ) {}
}

const LEGAL_TOPIC_CHARS = /^[a-zA-Z0-9._-]+$/;
/** Kafka's limit, leaving room for the partition suffix of directory names. */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Why a topic name is not legal in Kafka, or undefined if it is. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL_TOPIC_CHARS.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}
