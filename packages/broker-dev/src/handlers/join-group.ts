/**
 * JoinGroup: v0-9 (classic consumer groups; see src/groups/classic/membership.ts for the state machine).
 *
 * - v0 has no rebalance timeout: the session timeout is used, as in Kafka.
 * - v4+ without group.instance.id: a new member first gets MEMBER_ID_REQUIRED with its id and
 *   must rejoin with it (KIP-394). v5+ static membership (KIP-345).
 * - The response waits until the rebalance completes (every member rejoined or the rebalance
 *   timeout passed); only the leader gets the member list. Member metadata of any assignor
 *   (range, roundrobin, cooperative-sticky, ...) passes through untouched.
 * - v9 skipAssignment tells a static leader that rejoined a stable group not to reassign.
 * - ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 */

import type { JoinGroupRequest, JoinGroupResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { JoinResult } from '../groups/classic/group.js';
import { authorize } from './authorization.js';
import { clientHostOf, coordinatorError } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

function toResponse(ctx: RequestContext, result: JoinResult): JoinGroupResponse {
  const nullableName = ctx.apiVersion >= 7;
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    protocolName: result.protocolName ?? (nullableName ? null : ''),
    leader: result.leaderId,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members,
  };
}

function errorResponse(ctx: RequestContext, request: JoinGroupRequest, errorCode: number): JoinGroupResponse {
  return toResponse(ctx, {
    errorCode,
    memberId: request.memberId,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    skipAssignment: false,
    members: [],
  });
}

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,

  handle(ctx, request) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return errorResponse(ctx, request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId === '') return errorResponse(ctx, request, ErrorCode.INVALID_GROUP_ID);
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return errorResponse(ctx, request, notCoordinator);
    const groupInstanceId = request.groupInstanceId ?? null;
    const result = ctx.cluster.groups.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHostOf(ctx),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs:
        ctx.apiVersion >= 1
          ? (request.rebalanceTimeoutMs ?? request.sessionTimeoutMs)
          : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: ctx.apiVersion >= 4 && groupInstanceId === null,
    });
    return result instanceof Promise ? result.then((r) => toResponse(ctx, r)) : toResponse(ctx, result);
  },

  errorResponse,
});
