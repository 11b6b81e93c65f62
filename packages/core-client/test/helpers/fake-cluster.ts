/**
 * An in-memory stand-in for the Cluster, for unit tests of the group and fetch logic: requests are
 * built at a chosen version and answered by per-API handler functions, with every call recorded.
 */
import type { RequestBodies, ResponseBodies } from '@samsa/protocol';
import { MetadataCache } from '../../src/cluster/metadata.js';
import type { ClusterLike } from '../../src/consumer/cluster-like.js';
import { nullLogger } from '../../src/logger.js';

type Handler<K extends keyof RequestBodies> = (
  request: RequestBodies[K],
  version: number,
  node: number,
) => ResponseBodies[K] | Promise<ResponseBodies[K]>;

export interface SentRequest {
  apiKey: number;
  version: number;
  node: number;
  body: unknown;
  purpose?: string;
}

export class FakeCluster implements ClusterLike {
  readonly sent: SentRequest[] = [];
  readonly versions = new Map<number, number>();
  private readonly handlers = new Map<number, Handler<never>>();
  coordinator = 1;
  coordinatorLookups = 0;
  invalidations = 0;
  readonly metadata: MetadataCache;

  constructor(topics: Record<string, number> = {}) {
    this.metadata = new MetadataCache(
      async (requested) => ({
        throttleTimeMs: 0,
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: 1, rack: null }],
        clusterId: 'fake',
        controllerId: 1,
        topics: Object.entries(topics)
          .filter(([name]) => requested === null || requested.includes(name))
          .map(([name, n]) => ({
            errorCode: 0,
            name,
            topicId: 'AQEBAQEBAQEBAQEBAQEBAQ',
            isInternal: false,
            partitions: Array.from({ length: n }, (_, i) => ({
              errorCode: 0,
              partitionIndex: i,
              leaderId: 1,
              leaderEpoch: 0,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            })),
          })),
      }),
      nullLogger,
      60_000,
      true,
    );
  }

  /** Answers `apiKey` requests with `handler` at `version`. */
  on<K extends keyof RequestBodies>(apiKey: K, handler: Handler<K>, version = 5): this {
    this.handlers.set(apiKey, handler as unknown as Handler<never>);
    this.versions.set(apiKey, version);
    return this;
  }

  requests(apiKey: number): SentRequest[] {
    return this.sent.filter((r) => r.apiKey === apiKey);
  }

  async request<K extends keyof RequestBodies>(
    nodeId: number | 'any',
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options: { purpose?: string; signal?: AbortSignal } = {},
  ): Promise<{ version: number; response: ResponseBodies[K] }> {
    const version = this.versions.get(apiKey) ?? 0;
    const body = build(version);
    const node = nodeId === 'any' ? 0 : nodeId;
    this.sent.push({ apiKey, version, node, body, purpose: options.purpose });
    const handler = this.handlers.get(apiKey) as unknown as Handler<K> | undefined;
    if (!handler) throw new Error(`FakeCluster: no handler for API ${apiKey}`);
    const response = await handler(body, version, node);
    return { version, response };
  }

  async findCoordinator(): Promise<number> {
    this.coordinatorLookups++;
    return this.coordinator;
  }

  invalidateCoordinator(): void {
    this.invalidations++;
  }

  apiVersion(_nodeId: number, apiKey: number): number | undefined {
    return this.versions.get(apiKey);
  }
}
