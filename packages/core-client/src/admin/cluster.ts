/** Admin calls about the cluster itself. */
import type { AdminContext } from './admin-context.js';
import type { ClusterDescription } from './types.js';

export async function describeCluster(
  ctx: AdminContext,
  options: { signal?: AbortSignal } = {},
): Promise<ClusterDescription> {
  await ctx.withRetry('describeCluster', () => ctx.cluster.metadata.refresh(), options.signal);
  const m = ctx.cluster.metadata;
  return {
    brokers: [...m.brokers.values()].map((b) => ({
      nodeId: b.nodeId,
      host: b.host,
      port: b.port,
      rack: b.rack,
    })),
    controller: m.controllerId >= 0 ? m.controllerId : null,
    clusterId: m.clusterId ?? '',
  };
}
