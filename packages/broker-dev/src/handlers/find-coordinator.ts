/**
 * FindCoordinator: v0-5 (v4+ looks up several keys at once, KIP-699).
 *
 * - Group keys (keyType 0) and transactional ids (keyType 1) map to a broker the way Kafka maps
 *   them to the leader of their __consumer_offsets / __transaction_state partition
 *   (abs(hashCode) % 50); when that broker is stopped the key moves to the next live one.
 * - Unknown key types get INVALID_REQUEST.
 * - ACLs: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED) or on the transactional id (else
 *   TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 */

import type { FindCoordinatorResponseCoordinator } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { advertisedAddress } from '../cluster/nodes.js';
import { authorize } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

const GROUP = 0;
const TRANSACTION = 1;

function lookup(ctx: RequestContext, key: string, keyType: number): FindCoordinatorResponseCoordinator {
  const fail = (errorCode: number, errorMessage: string) => ({
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode,
    errorMessage,
  });
  if (keyType !== GROUP && keyType !== TRANSACTION)
    return fail(ErrorCode.INVALID_REQUEST, `Unknown coordinator key type ${keyType}.`);
  if (keyType === GROUP && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, key))
    return fail(ErrorCode.GROUP_AUTHORIZATION_FAILED, `Not authorized to describe group ${key}.`);
  if (keyType === TRANSACTION && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key))
    return fail(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      `Not authorized to describe transactional id ${key}.`,
    );
  const node = ctx.cluster.coordinatorFor(key);
  if (!node) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'No broker is up.');
  return {
    key,
    nodeId: node.id,
    ...advertisedAddress(node, ctx.listenerName),
    errorCode: ErrorCode.NONE,
    errorMessage: null,
  };
}

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    const keyType = request.keyType ?? GROUP;
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (request.coordinatorKeys ?? []).map((key) => lookup(ctx, key, keyType)),
      };
    }
    const c = lookup(ctx, request.key ?? '', keyType);
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },

  errorResponse(ctx, request, errorCode) {
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (request.coordinatorKeys ?? []).map((key) => ({
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode,
          errorMessage: null,
        })),
      };
    }
    return { throttleTimeMs: 0, errorCode, errorMessage: null, nodeId: -1, host: '', port: -1 };
  },
});
