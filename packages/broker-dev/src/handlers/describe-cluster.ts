/**
 * DescribeCluster: v0-1 (KIP-700, used by Java's Admin).
 *
 * - Live brokers, cluster id and a controller id (KRaft has no broker controller; a live broker
 *   id is reported). v1 endpointType 2 (controllers) gets UNSUPPORTED_ENDPOINT_TYPE: there are
 *   no separate controllers.
 * - Cluster authorized operations from the ACLs; 0 without DESCRIBE on the cluster.
 */

import type { DescribeClusterResponse } from '@samsa/protocol';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { advertisedAddress } from '../cluster/nodes.js';
import { clusterAuthorizedOperations } from './authorization.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

const BROKERS = 1;

function response(
  ctx: RequestContext,
  errorCode: number,
  errorMessage: string | null,
  endpointType: number,
  withOps: boolean,
): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    endpointType,
    clusterId: ctx.cluster.clusterId,
    controllerId: ctx.cluster.controllerId(),
    brokers:
      errorCode === ErrorCode.NONE
        ? ctx.cluster
            .liveNodes()
            .map((n) => ({ brokerId: n.id, ...advertisedAddress(n, ctx.listenerName), rack: n.rack }))
        : [],
    clusterAuthorizedOperations: withOps ? clusterAuthorizedOperations(ctx) : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,

  handle(ctx, request) {
    const endpointType = request.endpointType ?? BROKERS;
    if (endpointType !== BROKERS) {
      return response(
        ctx,
        ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        'The Samsa dev broker has no separate controllers.',
        endpointType,
        false,
      );
    }
    return response(ctx, ErrorCode.NONE, null, endpointType, request.includeClusterAuthorizedOperations);
  },

  errorResponse: (ctx, request, errorCode) =>
    response(ctx, errorCode, null, request.endpointType ?? BROKERS, false),
});
