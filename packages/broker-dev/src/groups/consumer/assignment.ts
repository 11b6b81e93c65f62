/**
 * An assignment in the consumer group protocol: topic id (Kafka's base64url UUID) → partitions.
 * Values are never mutated once built, so members, target assignments and stored records share them.
 */
export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

/** The wire form (ConsumerGroupHeartbeat's TopicPartitions), partitions sorted. */
export interface TopicIdPartitions {
  topicId: string;
  partitions: number[];
}

export function assignmentOf(topicPartitions: readonly TopicIdPartitions[]): Assignment {
  const out = new Map<string, Set<number>>();
  for (const { topicId, partitions } of topicPartitions) {
    if (partitions.length === 0) continue;
    let set = out.get(topicId);
    if (!set) {
      set = new Set();
      out.set(topicId, set);
    }
    for (const p of partitions) set.add(p);
  }
  return out;
}

export function toTopicIdPartitions(assignment: Assignment): TopicIdPartitions[] {
  return [...assignment].map(([topicId, partitions]) => ({
    topicId,
    partitions: [...partitions].sort((a, b) => a - b),
  }));
}

export function assignmentSize(assignment: Assignment): number {
  let n = 0;
  for (const partitions of assignment.values()) n += partitions.size;
  return n;
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId);
    if (!other || other.size !== partitions.size) return false;
    for (const p of partitions) if (!other.has(p)) return false;
  }
  return true;
}

/** Whether every partition of `owned` is in `assignment`. */
export function isSubsetOf(owned: readonly TopicIdPartitions[], assignment: Assignment): boolean {
  for (const { topicId, partitions } of owned) {
    if (partitions.length === 0) continue;
    const set = assignment.get(topicId);
    if (!set) return false;
    for (const p of partitions) if (!set.has(p)) return false;
  }
  return true;
}

/** Whether `owned` still reports any partition of `assignment`. */
export function intersects(owned: readonly TopicIdPartitions[], assignment: Assignment): boolean {
  for (const { topicId, partitions } of owned) {
    const set = assignment.get(topicId);
    if (!set) continue;
    for (const p of partitions) if (set.has(p)) return true;
  }
  return false;
}
