/**
 * WriteTxnMarkers: v0-1. Kafka's coordinators send it to partition leaders; admin clients send it
 * to abort a hanging transaction (`kafka-transactions.sh abort`, Admin.abortTransaction), which is
 * what it serves here (this broker's own coordinator writes its markers in-process).
 *
 * - Per partition: a COMMIT or ABORT control batch with the marker's producer id/epoch and
 *   coordinator epoch (cluster/txn-markers.ts). UNKNOWN_TOPIC_OR_PARTITION for unknown partitions,
 *   NOT_LEADER_OR_FOLLOWER where this broker does not lead.
 * - ACLs: ALTER or CLUSTER_ACTION on the cluster (it is an inter-broker API), else CLUSTER_AUTHORIZATION_FAILED.
 */
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode } from '@samsa/protocol';
import type { TxnMarker } from '../txn/marker-writer.js';
import { authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

function respond(request: WriteTxnMarkersRequest, codeOf: (m: number, t: number, p: number) => number) {
  return {
    markers: request.markers.map((marker, m) => ({
      producerId: marker.producerId,
      topics: marker.topics.map((topic, t) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex, p) => ({
          partitionIndex,
          errorCode: codeOf(m, t, p),
        })),
      })),
    })),
  };
}

export const writeTxnMarkersHandler = defineHandler({
  apiKey: ApiKey.WriteTxnMarkers,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,

  async handle(ctx, request): Promise<WriteTxnMarkersResponse> {
    if (!authorizeCluster(ctx, AclOperation.ALTER) && !authorizeCluster(ctx, AclOperation.CLUSTER_ACTION))
      return respond(request, () => ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const codes = request.markers.map((marker) =>
      marker.topics.map((topic) => topic.partitionIndexes.map(() => ErrorCode.NONE as number)),
    );
    const markers: TxnMarker[] = [];
    const positions: [number, number, number][] = [];
    request.markers.forEach((marker, m) => {
      marker.topics.forEach((topic, t) => {
        topic.partitionIndexes.forEach((index, p) => {
          const partition = ctx.cluster.partition(topic.name, index);
          if (!partition) codes[m][t][p] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          else if (partition.leader !== ctx.node.id) codes[m][t][p] = ErrorCode.NOT_LEADER_OR_FOLLOWER;
          else {
            markers.push({
              topic: topic.name,
              partition: index,
              producerId: Number(marker.producerId),
              producerEpoch: marker.producerEpoch,
              coordinatorEpoch: marker.coordinatorEpoch,
              commit: marker.transactionResult,
            });
            positions.push([m, t, p]);
          }
        });
      });
    });
    if (markers.length > 0) {
      const written = await ctx.cluster.markerWriter.writeMarkers(markers);
      written.forEach((code, i) => {
        const [m, t, p] = positions[i];
        codes[m][t][p] = code;
      });
    }
    return respond(request, (m, t, p) => codes[m][t][p]);
  },

  errorResponse: (_ctx, request, errorCode) => respond(request, () => errorCode),
});
