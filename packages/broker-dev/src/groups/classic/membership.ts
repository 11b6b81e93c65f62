/**
 * The classic group membership protocol: Kafka's JoinGroup/SyncGroup/Heartbeat/LeaveGroup state
 * machine (Empty → PreparingRebalance → CompletingRebalance → Stable, and Dead) with rebalance and
 * session timeouts, the member-id-required flow of JoinGroup v4+ and static membership. It follows
 * Kafka's GroupCoordinator closely so clients see the same answers; member metadata and
 * assignments pass through as opaque bytes.
 *
 * Requests that must wait (JoinGroup until the rebalance completes, SyncGroup until the leader's
 * assignment) get a promise; everything else answers synchronously.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@samsa/protocol';
import type { Logger } from '../../logger.js';
import type { GroupConfig } from '../group-config.js';
import { ClassicGroup, type GroupProtocol, type JoinResult, Member, type SyncResult } from './group.js';

/** Kafka's NewMemberJoinTimeoutMs: a new member whose JoinGroup is parked this long is dropped. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface JoinParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+ without group.instance.id: new members must rejoin with an assigned id. */
  requireKnownMemberId: boolean;
}

export interface SyncParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

const EMPTY = Buffer.alloc(0);

function joinError(memberId: string, errorCode: number): JoinResult {
  return {
    errorCode,
    memberId,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    skipAssignment: false,
    members: [],
  };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class ClassicMembership {
  /**
   * `groups` is the coordinator's registry, shared: a JoinGroup for an unknown group creates it
   * here, a simple offset commit there.
   */
  constructor(
    private readonly groups: Map<string, ClassicGroup>,
    private readonly config: GroupConfig,
    private readonly logger: Logger,
  ) {}

  join(p: JoinParams): JoinResult | Promise<JoinResult> {
    if (
      p.sessionTimeoutMs < this.config.minSessionTimeoutMs ||
      p.sessionTimeoutMs > this.config.maxSessionTimeoutMs
    ) {
      return joinError(p.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const isUnknownMember = p.memberId === '';
    let group = this.groups.get(p.groupId);
    if (!group) {
      if (!isUnknownMember) return joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
      group = new ClassicGroup(p.groupId);
      this.groups.set(p.groupId, group);
    }
    const result = isUnknownMember ? this.unknownMemberJoin(group, p) : this.knownMemberJoin(group, p);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    return result;
  }

  private unknownMemberJoin(group: ClassicGroup, p: JoinParams): JoinResult | Promise<JoinResult> {
    if (group.is('Dead')) return joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${randomUUID()}`;
    const oldStaticId = p.groupInstanceId === null ? undefined : group.staticMembers.get(p.groupInstanceId);
    if (p.groupInstanceId !== null && oldStaticId !== undefined) {
      return this.updateStaticMemberAndRebalance(group, p.groupInstanceId, oldStaticId, newMemberId, p);
    }
    if (p.requireKnownMemberId && p.groupInstanceId === null) {
      const timer = setTimeout(() => this.expirePendingMember(group, newMemberId), p.sessionTimeoutMs);
      timer.unref();
      group.pendingMembers.set(newMemberId, timer);
      return joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED);
    }
    return this.addMemberAndRebalance(group, newMemberId, p);
  }

  private knownMemberJoin(group: ClassicGroup, p: JoinParams): JoinResult | Promise<JoinResult> {
    if (group.is('Dead')) return joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supportsProtocols(p.protocolType, p.protocols)) {
      return joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    if (group.pendingMembers.has(p.memberId)) {
      clearTimeout(group.pendingMembers.get(p.memberId));
      group.pendingMembers.delete(p.memberId);
      return this.addMemberAndRebalance(group, p.memberId, p);
    }
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) {
      return joinError(p.memberId, ErrorCode.FENCED_INSTANCE_ID);
    }
    const instanceUnknown = p.groupInstanceId !== null && !group.staticMembers.has(p.groupInstanceId);
    const member = group.members.get(p.memberId);
    if (!member || instanceUnknown) return joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID);

    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, p);
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // The member lost the JoinGroup response: repeat it for the current generation.
          return this.currentGenerationJoin(group, member.memberId, group.isLeader(member.memberId));
        }
        return this.updateMemberAndRebalance(group, member, p);
      case 'Stable':
        if (group.isLeader(member.memberId) || !member.matches(p.protocols)) {
          // A leader's JoinGroup asks for a rebalance (e.g. its topic metadata changed).
          return this.updateMemberAndRebalance(group, member, p);
        }
        return this.currentGenerationJoin(group, member.memberId, false);
      default:
        return joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private currentGenerationJoin(group: ClassicGroup, memberId: string, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, p: JoinParams): Promise<JoinResult> {
    const member = new Member(
      memberId,
      p.groupInstanceId,
      p.clientId,
      p.clientHost,
      p.rebalanceTimeoutMs,
      p.sessionTimeoutMs,
      p.protocolType,
      p.protocols,
    );
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member);
    const joined = this.parkJoin(member);
    this.scheduleSessionExpiry(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding member ${memberId}`);
    return joined;
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: Member, p: JoinParams): Promise<JoinResult> {
    member.protocols = p.protocols;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    const joined = this.parkJoin(member);
    this.maybePrepareRebalance(group, `member ${member.memberId} rejoined`);
    return joined;
  }

  private updateStaticMemberAndRebalance(
    group: ClassicGroup,
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
    p: JoinParams,
  ): JoinResult | Promise<JoinResult> {
    const currentLeader = group.leaderId ?? '';
    const { member, old } = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
    old.awaitingJoin?.(joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    old.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.logger.info(`group ${group.groupId}: static member ${groupInstanceId} rejoined as ${newMemberId}`);
    this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
    member.protocols = p.protocols;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    switch (group.state) {
      case 'Stable': {
        if (group.selectProtocol() === group.protocolName) {
          // Same protocol outcome: hand back the current generation without a rebalance. The old
          // leader id is returned so a rejoining leader does not compute a useless assignment.
          const isLeader = group.isLeader(newMemberId);
          return {
            errorCode: ErrorCode.NONE,
            memberId: newMemberId,
            generationId: group.generationId,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            leaderId: currentLeader,
            skipAssignment: isLeader,
            members: isLeader ? group.currentMemberMetadata() : [],
          };
        }
        const joined = this.parkJoin(member);
        this.maybePrepareRebalance(group, `static member ${groupInstanceId} changed protocols`);
        return joined;
      }
      case 'CompletingRebalance': {
        const joined = this.parkJoin(member);
        this.prepareRebalance(group, `static member ${groupInstanceId} rejoined during CompletingRebalance`);
        return joined;
      }
      default:
        // PreparingRebalance: the join completes with everyone else's.
        return this.parkJoin(member);
    }
  }

  private parkJoin(member: Member): Promise<JoinResult> {
    // A member can only have one outstanding JoinGroup; an older one (from a dropped connection) is told to retry.
    member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    return new Promise<JoinResult>((resolve) => {
      member.awaitingJoin = resolve;
    });
  }

  private completeJoinCallback(member: Member, result: JoinResult): boolean {
    const callback = member.awaitingJoin;
    if (!callback) return false;
    member.awaitingJoin = undefined;
    callback(result);
    return true;
  }

  private completeSyncCallback(member: Member, result: SyncResult): boolean {
    const callback = member.awaitingSync;
    if (!callback) return false;
    member.awaitingSync = undefined;
    callback(result);
    return true;
  }

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) {
      this.prepareRebalance(group, reason);
    }
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    clearTimeout(group.pendingSyncTimer);
    group.pendingSyncTimer = undefined;
    group.pendingSyncMembers.clear();
    const wasEmpty = group.is('Empty');
    group.state = 'PreparingRebalance';
    this.logger.info(
      `group ${group.groupId}: preparing to rebalance (generation ${group.generationId}, reason: ${reason})`,
    );
    clearTimeout(group.rebalanceTimer);
    const delay = this.config.initialRebalanceDelayMs;
    if (wasEmpty && delay > 0) {
      group.newMemberAdded = false;
      group.initialDelayActive = true;
      this.scheduleInitialDelayedJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      group.initialDelayActive = false;
      this.scheduleDelayedJoin(group);
    }
    this.tryCompleteJoin(group);
  }

  private scheduleDelayedJoin(group: ClassicGroup): void {
    clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), group.rebalanceTimeoutMs);
    group.rebalanceTimer.unref();
  }

  /** group.initial.rebalance.delay.ms: wait for more members, extending while new ones arrive. */
  private scheduleInitialDelayedJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = setTimeout(() => {
      if (!group.is('PreparingRebalance')) return;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(delayMs, remainingMs);
        this.scheduleInitialDelayedJoin(group, next, Math.max(remainingMs - next, 0));
      } else {
        group.initialDelayActive = false;
        this.completeJoin(group);
      }
    }, delayMs);
    group.rebalanceTimer.unref();
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.initialDelayActive && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Kafka's onCompleteJoin: drop members that did not rejoin, then start the next generation. */
  private completeJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = undefined;
    group.initialDelayActive = false;
    for (const member of group.notYetRejoinedMembers()) {
      if (member.groupInstanceId !== null) continue;
      this.logger.info(
        `group ${group.groupId}: member ${member.memberId} did not rejoin in time, removing it`,
      );
      group.remove(member.memberId);
    }
    if (group.size > 0 && !group.maybeElectNewJoinedLeader()) {
      // Only static members that have not rejoined are left: wait another rebalance timeout.
      this.scheduleDelayedJoin(group);
      return;
    }
    group.generationId++;
    if (group.size === 0) {
      group.protocolName = null;
      group.state = 'Empty';
      group.subscribed = undefined;
      this.logger.info(`group ${group.groupId}: generation ${group.generationId} is empty`);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.state = 'CompletingRebalance';
    group.computeSubscriptions();
    this.logger.info(
      `group ${group.groupId}: generation ${group.generationId} with ${group.size} member(s), ` +
        `protocol ${group.protocolName}, leader ${group.leaderId}`,
    );
    for (const member of group.members.values()) {
      const isLeader = group.isLeader(member.memberId);
      this.completeJoinCallback(member, this.currentGenerationJoin(group, member.memberId, isLeader));
      this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** Members that got a JoinGroup response but never send SyncGroup are removed after the rebalance timeout. */
  private schedulePendingSync(group: ClassicGroup): void {
    clearTimeout(group.pendingSyncTimer);
    const generation = group.generationId;
    group.pendingSyncTimer = setTimeout(() => {
      group.pendingSyncTimer = undefined;
      if (group.generationId !== generation) return;
      if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
      const missing = [...group.pendingSyncMembers];
      if (missing.length === 0) return;
      this.logger.info(
        `group ${group.groupId}: member(s) ${missing.join(', ')} never sent SyncGroup, removing`,
      );
      for (const memberId of missing) {
        const member = group.members.get(memberId);
        if (member) this.removeMemberAndUpdateGroup(group, member, 'pending SyncGroup timed out');
      }
    }, group.rebalanceTimeoutMs);
    group.pendingSyncTimer.unref();
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) {
      member.assignment = EMPTY;
      this.completeSyncCallback(member, syncError(errorCode));
    }
  }

  private scheduleSessionExpiry(group: ClassicGroup, member: Member, timeoutMs: number): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.onSessionExpired(group, member), timeoutMs);
    member.sessionTimer.unref();
  }

  private onSessionExpired(group: ClassicGroup, member: Member): void {
    member.sessionTimer = undefined;
    if (group.members.get(member.memberId) !== member) return;
    // Members with a parked JoinGroup/SyncGroup are bounded by the rebalance timeout instead,
    // except new members whose JoinGroup has waited NewMemberJoinTimeoutMs.
    if (member.awaitingJoin && !member.isNew) return;
    if (member.awaitingSync) return;
    this.logger.info(`group ${group.groupId}: member ${member.memberId} session timed out, removing it`);
    this.removeMemberAndUpdateGroup(group, member, 'session timeout');
  }

  private expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.tryCompleteJoin(group);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: Member, reason: string): void {
    this.completeJoinCallback(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    this.completeSyncCallback(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  sync(p: SyncParams): SyncResult | Promise<SyncResult> {
    const group = this.groups.get(p.groupId);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId))
      return syncError(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.members.get(p.memberId);
    if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (p.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if (
      (p.protocolType !== null && p.protocolType !== group.protocolType) ||
      (p.protocolName !== null && p.protocolName !== group.protocolName)
    ) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'Empty':
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        this.removePendingSync(group, member.memberId);
        member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        const synced = new Promise<SyncResult>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (group.isLeader(member.memberId)) {
          const assigned = new Map(p.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of group.members.values()) m.assignment = assigned.get(m.memberId) ?? EMPTY;
          group.state = 'Stable';
          this.logger.info(`group ${group.groupId}: generation ${group.generationId} is stable`);
          for (const m of group.members.values()) {
            if (this.completeSyncCallback(m, this.syncOk(group, m))) {
              this.scheduleSessionExpiry(group, m, m.sessionTimeoutMs);
            }
          }
        }
        return synced;
      }
      case 'Stable':
        this.removePendingSync(group, member.memberId);
        this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
        return this.syncOk(group, member);
      default:
        return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  }

  private syncOk(group: ClassicGroup, member: Member): SyncResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }

  private removePendingSync(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) {
      clearTimeout(group.pendingSyncTimer);
      group.pendingSyncTimer = undefined;
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  leave(
    groupId: string,
    leaving: readonly { memberId: string; groupInstanceId: string | null }[],
  ): LeaveResult {
    const group = this.groups.get(groupId);
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => {
      const { memberId, groupInstanceId } = m;
      if (memberId !== '' && group.isStaticMemberFenced(memberId, groupInstanceId)) {
        return { ...m, errorCode: ErrorCode.FENCED_INSTANCE_ID };
      }
      if (group.pendingMembers.has(memberId)) {
        clearTimeout(group.pendingMembers.get(memberId));
        group.pendingMembers.delete(memberId);
        this.tryCompleteJoin(group);
        return { ...m, errorCode: ErrorCode.NONE };
      }
      const staticId = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId);
      const member = group.members.get(staticId ?? memberId);
      if (!member) return { ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.logger.info(`group ${groupId}: member ${member.memberId} left`);
      this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId} left`);
      return { ...m, errorCode: ErrorCode.NONE };
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  /**
   * Whether a member may commit offsets for `group` now (Kafka's validateOffsetCommit), as an error
   * code; a commit counts as a heartbeat. Generation -1 commits to an Empty group come from
   * consumers outside the group protocol (simple consumers, admin tools).
   */
  validateOffsetCommit(
    group: ClassicGroup,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
  ): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (group.isStaticMemberFenced(memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    if (generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
    this.scheduleSessionExpiry(group, member, member.sessionTimeoutMs);
    return ErrorCode.NONE;
  }

  /**
   * Whether a transactional producer may commit offsets for `group` (TxnOffsetCommit, KIP-447;
   * Kafka's ClassicGroup.validateOffsetCommit for transactional commits). Requests without member
   * information (v0-2, or a producer outside the group protocol) are accepted in any state.
   */
  validateTxnOffsetCommit(
    group: ClassicGroup,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
  ): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    if (generationId < 0 && memberId === '' && groupInstanceId === null) return ErrorCode.NONE;
    if (groupInstanceId !== null) {
      const owner = group.staticMembers.get(groupInstanceId);
      if (owner === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (owner !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    } else if (!group.members.has(memberId)) {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    return generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  }

  /** Answers the group's parked JoinGroup/SyncGroup requests with NOT_COORDINATOR (the group moves away). */
  unload(group: ClassicGroup): void {
    for (const member of group.members.values()) {
      this.completeJoinCallback(member, joinError(member.memberId, ErrorCode.NOT_COORDINATOR));
      this.completeSyncCallback(member, syncError(ErrorCode.NOT_COORDINATOR));
    }
  }
}
