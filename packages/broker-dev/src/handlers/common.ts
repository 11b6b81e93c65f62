/** Checks several handlers share: leadership, leader epochs, coordinator ownership. */

import { ErrorCode } from '@samsa/protocol';
import { advertisedAddress } from '../cluster/nodes.js';
import type { PartitionState } from '../cluster/topic.js';
import type { RequestContext } from './types.js';

/** Authorized-operations fields when the client did not ask for them. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** NONE if this broker leads the partition, else what a client must hear to refresh metadata. */
export function leaderError(ctx: RequestContext, partition: PartitionState): number {
  if (partition.leader === ctx.node.id) return ErrorCode.NONE;
  return partition.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
}

/** KIP-320: a client's view of the leader epoch must match ours (-1 = not checked). */
export function leaderEpochError(partition: PartitionState, currentLeaderEpoch: number | undefined): number {
  if (currentLeaderEpoch === undefined || currentLeaderEpoch < 0) return ErrorCode.NONE;
  if (currentLeaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (currentLeaderEpoch > partition.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}

/**
 * NONE if this broker coordinates the group or transactional id, else NOT_COORDINATOR (or
 * COORDINATOR_NOT_AVAILABLE).
 */
export function coordinatorError(ctx: RequestContext, key: string): number {
  const coordinator = ctx.cluster.coordinatorFor(key);
  if (!coordinator) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  return coordinator.id === ctx.node.id ? ErrorCode.NONE : ErrorCode.NOT_COORDINATOR;
}

/** Endpoint of a node for the KIP-951 leader hints in Produce/Fetch responses. */
export function nodeEndpoint(ctx: RequestContext, nodeId: number) {
  const node = ctx.cluster.node(nodeId);
  return node ? [{ nodeId: node.id, ...advertisedAddress(node, ctx.listenerName), rack: node.rack }] : [];
}

/** Client host as Kafka reports it in DescribeGroups ("/127.0.0.1"). */
export function clientHostOf(ctx: RequestContext): string {
  return `/${ctx.clientHost}`;
}
