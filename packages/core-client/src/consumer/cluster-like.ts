import type { Cluster } from '../cluster/cluster.js';

/** The part of `Cluster` the consumer uses; tests hand in fakes of this shape. */
export type ClusterLike = Pick<
  Cluster,
  'request' | 'findCoordinator' | 'invalidateCoordinator' | 'metadata' | 'apiVersion'
>;

/** What a Consumer needs of the Cluster it owns: the above plus lifecycle and settings. */
export type ConsumerCluster = ClusterLike &
  Pick<Cluster, 'connect' | 'disconnect'> &
  Partial<Pick<Cluster, 'requestMetrics'>> & {
    readonly config: Pick<Cluster['config'], 'requestTimeoutMs' | 'metadataMaxAgeMs' | 'clientId' | 'logger'>;
  };
