/**
 * Server-side assignors (KIP-848): the coordinator, not a group leader, computes every member's
 * target assignment. A member names the one it wants (`serverAssignor`); the group uses the name
 * most members ask for, else the first configured (Kafka's `group.consumer.assignors`, default
 * uniform then range).
 */
import type { Assignment } from './assignment.js';
import { rangeAssignor } from './range-assignor.js';
import { uniformAssignor } from './uniform-assignor.js';

export interface AssignorMember {
  memberId: string;
  instanceId: string | null;
  /** Ids of the existing topics the member subscribes to. */
  topicIds: ReadonlySet<string>;
  /** Its target assignment so far (the assignor keeps what it can). */
  current: Assignment;
}

export interface AssignmentSpec {
  /** Sorted by member id, so the same group always gets the same answer. */
  members: readonly AssignorMember[];
  /** Whether every member subscribes to the same topics (the assignors take a faster path then). */
  homogeneous: boolean;
  /** Partitions of a subscribed topic. */
  partitionCount(topicId: string): number;
}

export interface ServerAssignor {
  readonly name: string;
  /** Member id → its new target assignment; every member gets an entry. */
  assign(spec: AssignmentSpec): Map<string, Assignment>;
}

export const SERVER_ASSIGNORS: readonly ServerAssignor[] = [uniformAssignor, rangeAssignor];

export const SERVER_ASSIGNOR_NAMES: readonly string[] = SERVER_ASSIGNORS.map((a) => a.name);

export function serverAssignor(name: string): ServerAssignor | undefined {
  return SERVER_ASSIGNORS.find((a) => a.name === name);
}
