import fc from 'fast-check';
import type { MemberAssignment, MemberSubscription, TopicPartitions } from '../../src/assignors/types.js';

export function member(
  memberId: string,
  topics: string[],
  extra: Partial<MemberSubscription> = {},
): MemberSubscription {
  return {
    memberId,
    groupInstanceId: null,
    topics,
    userData: null,
    ownedPartitions: [],
    generationId: -1,
    rackId: null,
    version: 3,
    ...extra,
  };
}

/** `{ memberId: ['t-0', 't-1'] }`, partitions sorted, for readable expectations. */
export function flatten(result: Map<string, MemberAssignment>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [memberId, a] of result) {
    const list: string[] = [];
    for (const [topic, partitions] of [...a.partitions].sort(([x], [y]) => (x < y ? -1 : 1))) {
      for (const p of [...partitions].sort((x, y) => x - y)) list.push(`${topic}-${p}`);
    }
    out[memberId] = list;
  }
  return out;
}

export function toOwned(a: MemberAssignment | undefined): TopicPartitions[] {
  if (a === undefined) return [];
  return [...a.partitions].map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
}

export function count(a: MemberAssignment): number {
  let n = 0;
  for (const list of a.partitions.values()) n += list.length;
  return n;
}

/** A random group: topics with partition counts, members with subsets of the topics. */
export const groupArb = (opts: { sameSubscriptions?: boolean; static?: boolean } = {}) =>
  fc
    .record({
      topicSizes: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }),
      memberCount: fc.integer({ min: 1, max: 8 }),
      seed: fc.array(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), { minLength: 8, maxLength: 8 }),
      ids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 8, maxLength: 8 }),
      staticFlags: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    })
    .map(({ topicSizes, memberCount, seed, ids, staticFlags }) => {
      const topics = topicSizes.map((_, i) => `topic-${i}`);
      const partitionsPerTopic = new Map(topics.map((t, i) => [t, topicSizes[i]] as const));
      const members: MemberSubscription[] = [];
      for (let i = 0; i < memberCount; i++) {
        let subscribed = opts.sameSubscriptions ? topics : topics.filter((_, j) => seed[i][j]);
        if (subscribed.length === 0) subscribed = [topics[i % topics.length]];
        members.push(
          member(`m-${ids[i]}`, subscribed, {
            groupInstanceId: opts.static && staticFlags[i] ? `instance-${ids[i]}` : null,
          }),
        );
      }
      return { partitionsPerTopic, members };
    });

/** Checks every partition is assigned at most once, only to subscribers; returns the owner map. */
export function checkValid(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  result: Map<string, MemberAssignment>,
): Map<string, string> {
  const owners = new Map<string, string>();
  if (result.size !== members.length)
    throw new Error(`expected ${members.length} entries, got ${result.size}`);
  for (const m of members) {
    const a = result.get(m.memberId);
    if (a === undefined) throw new Error(`no assignment for ${m.memberId}`);
    for (const [topic, partitions] of a.partitions) {
      if (!m.topics.includes(topic)) throw new Error(`${m.memberId} got ${topic} it does not subscribe to`);
      for (const p of partitions) {
        if (p < 0 || p >= (partitionsPerTopic.get(topic) ?? 0))
          throw new Error(`${topic}-${p} does not exist`);
        const k = `${topic}-${p}`;
        if (owners.has(k)) throw new Error(`${k} assigned to ${owners.get(k)} and ${m.memberId}`);
        owners.set(k, m.memberId);
      }
    }
  }
  return owners;
}

export function subscribedPartitionCount(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): number {
  const topics = new Set<string>();
  for (const m of members) for (const t of m.topics) if (partitionsPerTopic.has(t)) topics.add(t);
  let n = 0;
  for (const t of topics) n += partitionsPerTopic.get(t)!;
  return n;
}
