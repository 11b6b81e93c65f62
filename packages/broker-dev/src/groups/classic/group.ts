/**
 * The data of one classic consumer group (Kafka's GroupMetadata/MemberMetadata): members,
 * static instance ids, pending (member-id-required) members, generation, protocol and leader.
 * The transitions live in membership.ts; this file only keeps the bookkeeping consistent.
 */
import { subscribedTopics } from './subscribed-topics.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  /** Every member with its metadata for the chosen protocol; only the leader gets it. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

const EMPTY = Buffer.alloc(0);

export class Member {
  assignment: Buffer = EMPTY;
  awaitingJoin: ((result: JoinResult) => void) | undefined;
  awaitingSync: ((result: SyncResult) => void) | undefined;
  /** Joined but not yet through its first completed rebalance. */
  isNew = false;
  sessionTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every(
      (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
    );
  }

  /** The member's most preferred protocol among `candidates`. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name;
  }
}

export class ClassicGroup {
  private currentState: GroupState = 'Empty';
  /** When the group entered its current state (Kafka's currentStateTimestamp); undefined after a reload. */
  stateTimestamp: number | undefined;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id → current member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, each with its expiry timer. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Members that got a JoinGroup response this generation but have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set while the first rebalance of an empty group waits group.initial.rebalance.delay.ms. */
  newMemberAdded = false;
  initialDelayActive = false;
  rebalanceTimer: NodeJS.Timeout | undefined;
  pendingSyncTimer: NodeJS.Timeout | undefined;
  /** Topics the members subscribe to (consumer protocol only), computed each generation. */
  subscribed: Set<string> | undefined;

  constructor(readonly groupId: string) {}

  get state(): GroupState {
    return this.currentState;
  }

  set state(state: GroupState) {
    this.currentState = state;
    this.stateTimestamp = Date.now();
  }

  is(state: GroupState): boolean {
    return this.currentState === state;
  }

  get size(): number {
    return this.members.size;
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (this.leaderId === null) this.leaderId = member.memberId;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(memberId: string): Member | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    clearTimeout(member.sessionTimer);
    member.sessionTimer = undefined;
    this.pendingSyncMembers.delete(memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
      this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    return member;
  }

  /** Swaps the member id of a static member (a restarted instance rejoining with a fresh id). */
  replaceStaticMember(
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
  ): { member: Member; old: Member } {
    const old = this.members.get(oldMemberId)!;
    this.members.delete(oldMemberId);
    clearTimeout(old.sessionTimer);
    const member = new Member(
      newMemberId,
      groupInstanceId,
      old.clientId,
      old.clientHost,
      old.rebalanceTimeoutMs,
      old.sessionTimeoutMs,
      old.protocolType,
      old.protocols,
    );
    member.assignment = old.assignment;
    this.members.set(newMemberId, member);
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return { member, old };
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** A static member id that no longer belongs to its instance id (a zombie instance). */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null | undefined): boolean {
    if (groupInstanceId == null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (!member.awaitingJoin) return false;
    return true;
  }

  notYetRejoinedMembers(): Member[] {
    return [...this.members.values()].filter((m) => !m.awaitingJoin);
  }

  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  /** Protocols every current member supports. */
  candidateProtocols(): Set<string> {
    const members = [...this.members.values()];
    if (members.length === 0) return new Set();
    const candidates = new Set(members[0].protocols.map((p) => p.name));
    for (const member of members.slice(1)) {
      const names = new Set(member.protocols.map((p) => p.name));
      for (const name of candidates) if (!names.has(name)) candidates.delete(name);
    }
    return candidates;
  }

  /** Whether a member with these protocols may join (same protocol type, some protocol in common). */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.is('Empty') || this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  /** Kafka's vote: each member picks its favourite candidate; most votes wins. */
  selectProtocol(): string | null {
    const candidates = this.candidateProtocols();
    if (candidates.size === 0) return null;
    const votes = new Map<string, number>();
    let winner: string | null = null;
    let best = 0;
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      if (choice === undefined) continue;
      const count = (votes.get(choice) ?? 0) + 1;
      votes.set(choice, count);
      if (count > best) {
        best = count;
        winner = choice;
      }
    }
    return winner;
  }

  /** Kafka's maybeElectNewJoinedLeader: keep the leader if it rejoined, else pick a member that did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.awaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  currentMemberMetadata(): JoinResult['members'] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(this.protocolName),
    }));
  }

  computeSubscriptions(): void {
    if (this.protocolType !== 'consumer') {
      this.subscribed = undefined;
      return;
    }
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const parsed = subscribedTopics(member.metadataFor(this.protocolName));
      if (!parsed) {
        this.subscribed = undefined;
        return;
      }
      for (const topic of parsed) topics.add(topic);
    }
    this.subscribed = topics;
  }

  /** Unparseable subscriptions count as subscribed to everything (the safe answer for OffsetDelete). */
  isSubscribedTo(topic: string): boolean {
    return this.subscribed === undefined ? true : this.subscribed.has(topic);
  }

  clearTimers(): void {
    clearTimeout(this.rebalanceTimer);
    clearTimeout(this.pendingSyncTimer);
    this.rebalanceTimer = undefined;
    this.pendingSyncTimer = undefined;
    for (const timer of this.pendingMembers.values()) clearTimeout(timer);
    for (const member of this.members.values()) {
      clearTimeout(member.sessionTimer);
      member.sessionTimer = undefined;
    }
  }
}
