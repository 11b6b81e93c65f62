import { compareMembers, compareStrings } from './member-order.js';
import type {
  AssignmentContext,
  MemberAssignment,
  MemberSubscription,
  PartitionAssignor,
  ReceivedAssignment,
  SubscriptionState,
} from './types.js';

/** Encodes a topic-partition as one map key; topic names cannot contain NUL. */
const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

interface Slot {
  topic: string;
  partition: number;
}

/**
 * Java's CooperativeStickyAssignor (KIP-429): balanced like round-robin, but members keep the
 * partitions they already own wherever balance allows, and a partition that has to move from one
 * member to another is left out of this generation's assignment. Its owner revokes it, rejoins,
 * and the follow-up rebalance hands it to its new owner, so no partition is ever owned by two
 * members at once.
 *
 * Ownership claims follow Java: only members reporting the highest generation keep their claims
 * (a member with an older generation may have lost its partitions in a generation it missed), and a
 * partition claimed twice in that generation is treated as unowned. Members on subscription v0/v1
 * report their generation in the user data, as Java writes it.
 */
export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky';
  readonly supportedProtocols = ['cooperative', 'eager'] as const;
  private generation = -1;

  subscriptionUserData(state: SubscriptionState): Buffer {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(state.generationId >= 0 ? state.generationId : this.generation, 0);
    return b;
  }

  onAssignment(assignment: ReceivedAssignment): void {
    this.generation = assignment.generationId;
  }

  assign({ members, partitionsPerTopic }: AssignmentContext): Map<string, MemberAssignment> {
    const sorted = [...members].sort(compareMembers);
    const eligible = new Map<string, Set<string>>(); // member -> topics it may get
    for (const m of sorted)
      eligible.set(m.memberId, new Set(m.topics.filter((t) => partitionsPerTopic.has(t))));

    const previousOwner = resolvePreviousOwners(sorted, partitionsPerTopic, eligible);

    // Every partition of a subscribed topic, in a stable order.
    const all: Slot[] = [];
    const subscribedTopics = new Set<string>();
    for (const topics of eligible.values()) for (const t of topics) subscribedTopics.add(t);
    for (const topic of [...subscribedTopics].sort(compareStrings)) {
      const n = partitionsPerTopic.get(topic)!;
      for (let p = 0; p < n; p++) all.push({ topic, partition: p });
    }

    const owned = new Map<string, Map<string, Slot>>(); // member -> key -> slot
    for (const m of sorted) owned.set(m.memberId, new Map());
    const owner = new Map<string, string>(); // key -> member
    const place = (memberId: string, slot: Slot): void => {
      const k = key(slot.topic, slot.partition);
      owned.get(memberId)!.set(k, slot);
      owner.set(k, memberId);
    };
    const unplace = (memberId: string, slot: Slot): void => {
      const k = key(slot.topic, slot.partition);
      owned.get(memberId)!.delete(k);
      owner.delete(k);
    };

    // 1. Stickiness: keep valid previous ownership.
    const unassigned: Slot[] = [];
    for (const slot of all) {
      const prev = previousOwner.get(key(slot.topic, slot.partition));
      if (prev !== undefined) place(prev, slot);
      else unassigned.push(slot);
    }

    // 2. Hand out the rest, hardest-to-place first, each to the least loaded eligible member.
    const candidates = (topic: string): string[] =>
      sorted.filter((m) => eligible.get(m.memberId)!.has(topic)).map((m) => m.memberId);
    const candidatesByTopic = new Map<string, string[]>();
    for (const t of subscribedTopics) candidatesByTopic.set(t, candidates(t));
    unassigned.sort((a, b) => {
      const d = candidatesByTopic.get(a.topic)!.length - candidatesByTopic.get(b.topic)!.length;
      return d !== 0 ? d : compareStrings(a.topic, b.topic) || a.partition - b.partition;
    });
    for (const slot of unassigned) {
      let best: string | undefined;
      for (const m of candidatesByTopic.get(slot.topic)!) {
        if (best === undefined || owned.get(m)!.size < owned.get(best)!.size) best = m;
      }
      place(best!, slot);
    }

    // 3. Balance: move partitions from a member to an eligible one holding at least two fewer, until
    // no such move exists (Java's definition of balanced). Partitions that were not previously owned
    // by the loaded member move first, so ownership stays sticky. Each move lowers the sum of squared
    // counts, so this terminates.
    let moved = true;
    while (moved) {
      moved = false;
      const byLoad = [...sorted].sort((a, b) => owned.get(b.memberId)!.size - owned.get(a.memberId)!.size);
      for (const from of byLoad) {
        const mine = owned.get(from.memberId)!;
        const slots = [...mine.values()].sort((a, b) => {
          const aPrev = previousOwner.get(key(a.topic, a.partition)) === from.memberId ? 1 : 0;
          const bPrev = previousOwner.get(key(b.topic, b.partition)) === from.memberId ? 1 : 0;
          return aPrev - bPrev || compareStrings(b.topic, a.topic) || b.partition - a.partition;
        });
        for (const slot of slots) {
          let target: string | undefined;
          for (const m of candidatesByTopic.get(slot.topic)!) {
            if (m === from.memberId) continue;
            if (target === undefined || owned.get(m)!.size < owned.get(target)!.size) target = m;
          }
          if (target !== undefined && mine.size - owned.get(target)!.size > 1) {
            unplace(from.memberId, slot);
            place(target, slot);
            moved = true;
          }
        }
        if (moved) break;
      }
    }

    // 4. Cooperative: a partition moving between two members is withheld this generation.
    const out = new Map<string, MemberAssignment>();
    for (const m of sorted) {
      const partitions = new Map<string, number[]>();
      for (const slot of owned.get(m.memberId)!.values()) {
        const prev = previousOwner.get(key(slot.topic, slot.partition));
        if (prev !== undefined && prev !== m.memberId) continue;
        let list = partitions.get(slot.topic);
        if (list === undefined) {
          list = [];
          partitions.set(slot.topic, list);
        }
        list.push(slot.partition);
      }
      for (const list of partitions.values()) list.sort((a, b) => a - b);
      out.set(m.memberId, { partitions });
    }
    return out;
  }
}

/** The generation a member reports: subscription v2+ carries it; older ones put it in the user data. */
export function memberGeneration(member: MemberSubscription): number {
  if (member.generationId >= 0) return member.generationId;
  if (member.userData !== null && member.userData.length >= 4) return member.userData.readInt32BE(0);
  return -1;
}

/**
 * Who validly owns what: claims of members at the highest reported generation, on partitions that
 * still exist in topics the member still subscribes to, claimed by exactly one such member.
 */
function resolvePreviousOwners(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  eligible: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, string> {
  let maxGeneration = -1;
  for (const m of members) {
    if (m.ownedPartitions.length > 0) maxGeneration = Math.max(maxGeneration, memberGeneration(m));
  }
  const owners = new Map<string, string>();
  const contested = new Set<string>();
  for (const m of members) {
    if (m.ownedPartitions.length === 0 || memberGeneration(m) < maxGeneration) continue;
    const topics = eligible.get(m.memberId)!;
    for (const { topic, partitions } of m.ownedPartitions) {
      if (!topics.has(topic)) continue;
      const count = partitionsPerTopic.get(topic)!;
      for (const p of partitions) {
        if (!Number.isInteger(p) || p < 0 || p >= count) continue;
        const k = key(topic, p);
        const other = owners.get(k);
        if (other === undefined) owners.set(k, m.memberId);
        else if (other !== m.memberId) contested.add(k);
      }
    }
  }
  for (const k of contested) owners.delete(k);
  return owners;
}
