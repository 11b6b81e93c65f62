/**
 * The `uniform` server assignor (Kafka's UniformAssignor): balanced first (member partition counts
 * differ by at most one where subscriptions allow), sticky second (a member keeps what it had within
 * its quota). Two paths, as in Kafka:
 *
 * - homogeneous (every member subscribes to the same topics): quotas of ⌊P/M⌋ or +1, members that
 *   hold the most keep the larger quotas, the rest of the partitions go to members below quota;
 * - heterogeneous: every member keeps its subscribed partitions, free ones go to the least loaded
 *   subscriber (topics with the most partitions per subscriber first), then partitions move from
 *   the most to the least loaded subscriber of each topic until no move helps (bounded passes).
 */
import type { Assignment } from './assignment.js';
import type { AssignmentSpec, AssignorMember, ServerAssignor } from './server-assignor.js';

/** Kafka's bound on balancing passes for overlapping, non-identical subscriptions. */
const MAX_BALANCE_PASSES = 16;

type Mutable = Map<string, Set<number>>;

function add(assignment: Mutable, topicId: string, partition: number): void {
  let set = assignment.get(topicId);
  if (!set) {
    set = new Set();
    assignment.set(topicId, set);
  }
  set.add(partition);
}

function remove(assignment: Mutable, topicId: string, partition: number): void {
  const set = assignment.get(topicId);
  if (!set) return;
  set.delete(partition);
  if (set.size === 0) assignment.delete(topicId);
}

const key = (topicId: string, partition: number) => `${topicId}:${partition}`;

/** What each member may keep of its current target: subscribed, existing, not claimed by an earlier member. */
function keepable(spec: AssignmentSpec, member: AssignorMember, claimed: Set<string>): [string, number][] {
  const out: [string, number][] = [];
  for (const topicId of [...member.current.keys()].sort()) {
    if (!member.topicIds.has(topicId)) continue;
    const count = spec.partitionCount(topicId);
    for (const p of [...member.current.get(topicId)!].sort((a, b) => a - b)) {
      const k = key(topicId, p);
      if (p >= count || claimed.has(k)) continue;
      claimed.add(k);
      out.push([topicId, p]);
    }
  }
  return out;
}

function assignHomogeneous(spec: AssignmentSpec): Map<string, Assignment> {
  const topics = [...(spec.members[0]?.topicIds ?? [])].sort();
  let total = 0;
  for (const t of topics) total += spec.partitionCount(t);
  const claimed = new Set<string>();
  const kept = spec.members.map((m) => ({ member: m, partitions: keepable(spec, m, claimed) }));
  // The members holding the most get the quotas with an extra partition: fewer moves.
  kept.sort((a, b) => b.partitions.length - a.partitions.length);
  const minQuota = Math.floor(total / Math.max(spec.members.length, 1));
  let extra = total % Math.max(spec.members.length, 1);
  const out = new Map<string, Mutable>();
  const owned = new Set<string>();
  const unfilled: { memberId: string; room: number }[] = [];
  for (const { member, partitions } of kept) {
    let quota = minQuota;
    if (extra > 0) {
      quota++;
      extra--;
    }
    const assignment: Mutable = new Map();
    for (const [topicId, p] of partitions.slice(0, quota)) {
      add(assignment, topicId, p);
      owned.add(key(topicId, p));
    }
    out.set(member.memberId, assignment);
    const room = quota - Math.min(quota, partitions.length);
    if (room > 0) unfilled.push({ memberId: member.memberId, room });
  }
  let next = 0;
  const free: [string, number][] = [];
  for (const t of topics)
    for (let p = 0; p < spec.partitionCount(t); p++) if (!owned.has(key(t, p))) free.push([t, p]);
  for (const { memberId, room } of unfilled) {
    const assignment = out.get(memberId)!;
    for (let i = 0; i < room && next < free.length; i++, next++)
      add(assignment, free[next][0], free[next][1]);
  }
  return out;
}

function assignHeterogeneous(spec: AssignmentSpec): Map<string, Assignment> {
  const members = spec.members;
  const load = new Map<string, number>();
  const out = new Map<string, Mutable>();
  const owner = new Map<string, string>();
  const subscribers = new Map<string, AssignorMember[]>();
  const claimed = new Set<string>();
  for (const m of members) {
    const assignment: Mutable = new Map();
    for (const [topicId, p] of keepable(spec, m, claimed)) {
      add(assignment, topicId, p);
      owner.set(key(topicId, p), m.memberId);
    }
    out.set(m.memberId, assignment);
    let n = 0;
    for (const set of assignment.values()) n += set.size;
    load.set(m.memberId, n);
    for (const t of m.topicIds) {
      const list = subscribers.get(t) ?? [];
      if (list.length === 0) subscribers.set(t, list);
      list.push(m);
    }
  }
  const order = new Map(members.map((m, i) => [m.memberId, i]));
  const byLoad = (a: AssignorMember, b: AssignorMember) =>
    load.get(a.memberId)! - load.get(b.memberId)! || order.get(a.memberId)! - order.get(b.memberId)!;
  const topics = [...subscribers.keys()].sort((a, b) => {
    const sa = subscribers.get(a)!.length;
    const sb = subscribers.get(b)!.length;
    return (
      spec.partitionCount(b) / sb - spec.partitionCount(a) / sa || sa - sb || (a < b ? -1 : a > b ? 1 : 0)
    );
  });
  const give = (memberId: string, topicId: string, p: number) => {
    add(out.get(memberId)!, topicId, p);
    owner.set(key(topicId, p), memberId);
    load.set(memberId, load.get(memberId)! + 1);
  };
  for (const topicId of topics) {
    const subs = subscribers.get(topicId)!;
    for (let p = 0; p < spec.partitionCount(topicId); p++) {
      if (owner.has(key(topicId, p))) continue;
      const least = [...subs].sort(byLoad)[0];
      give(least.memberId, topicId, p);
    }
  }
  for (let pass = 0; pass < MAX_BALANCE_PASSES; pass++) {
    let moved = false;
    for (const topicId of topics) {
      const subs = subscribers.get(topicId)!;
      if (subs.length < 2) continue;
      for (;;) {
        const sorted = [...subs].sort(byLoad);
        const least = sorted[0];
        const most = sorted.reverse().find((m) => (out.get(m.memberId)!.get(topicId)?.size ?? 0) > 0);
        if (!most || load.get(most.memberId)! - load.get(least.memberId)! <= 1) break;
        const from = out.get(most.memberId)!;
        const p = Math.max(...from.get(topicId)!);
        remove(from, topicId, p);
        load.set(most.memberId, load.get(most.memberId)! - 1);
        give(least.memberId, topicId, p);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return out;
}

export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign(spec: AssignmentSpec): Map<string, Assignment> {
    if (spec.members.length === 0) return new Map();
    return spec.homogeneous ? assignHomogeneous(spec) : assignHeterogeneous(spec);
  },
};
