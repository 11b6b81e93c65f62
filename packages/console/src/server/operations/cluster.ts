/** The overview page: brokers, topic and partition counts, replication problems, total lag, and a verdict. */
import type { HealthReport, Overview, PartitionRef } from '../../api/types.js';
import type { OperationsContext } from './context.js';
import { listGroups } from './groups.js';

export async function overview(ctx: OperationsContext, outer?: AbortSignal): Promise<Overview> {
  const signal = ctx.signal(outer);
  const [cluster, { topics }, groups] = await Promise.all([
    ctx.admin.describeCluster({ signal }),
    ctx.admin.fetchTopicMetadata({ signal }),
    // Brokers that cannot list groups (librdkafka's mock cluster) still get an overview.
    listGroups(ctx, signal).catch(() => []),
  ]);
  const totalLag = groups.reduce((sum, g) => sum + BigInt(g.totalLag), 0n);
  const underReplicated: PartitionRef[] = [];
  const offline: PartitionRef[] = [];
  let partitions = 0;
  for (const topic of topics) {
    for (const p of topic.partitions) {
      partitions++;
      if (p.leader < 0) offline.push({ topic: topic.name, partition: p.partitionId });
      else if (p.isr.length < p.replicas.length)
        underReplicated.push({ topic: topic.name, partition: p.partitionId });
    }
  }
  const problems: string[] = [];
  if (offline.length > 0)
    problems.push(`${offline.length} partition${offline.length === 1 ? ' has' : 's have'} no leader`);
  if (underReplicated.length > 0) {
    problems.push(
      `${underReplicated.length} partition${underReplicated.length === 1 ? ' is' : 's are'} under-replicated`,
    );
  }
  if (cluster.controller === null) problems.push('the cluster reports no controller');
  return {
    clusterId: cluster.clusterId,
    controller: cluster.controller,
    brokers: cluster.brokers
      .map((b) => ({ ...b, isController: b.nodeId === cluster.controller }))
      .sort((a, b) => a.nodeId - b.nodeId),
    topics: topics.length,
    partitions,
    underReplicated,
    offline,
    groups: groups.length,
    totalLag: totalLag.toString(),
    health: {
      status: offline.length > 0 ? 'critical' : problems.length > 0 ? 'warning' : 'ok',
      problems,
    },
  };
}

const HEALTH_TIMEOUT_MS = 4000;

export async function health(ctx: OperationsContext): Promise<HealthReport> {
  const [kafka, registry] = await Promise.all([
    withTimeout(
      ctx
        .kafkaReady()
        .then(() => ctx.admin.describeCluster({ signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })),
      HEALTH_TIMEOUT_MS,
    )
      .then(() => ({ ok: true }))
      .catch((error: Error) => ({ ok: false, error: error.message })),
    ctx.registryProbe
      ? ctx.registryProbe
          .request('GET', '/config')
          .then(() => ({ ok: true }))
          .catch((error: Error) => ({ ok: false, error: error.message }))
      : null,
  ]);
  return { kafka, registry };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
