import type { MetadataCache } from '../cluster/metadata.js';

/** The partitions of `topic` (of the first `count`) that have a leader now: where unkeyed records may go. */
export function partitionsWithLeader(
  metadata: Pick<MetadataCache, 'topic'>,
  topic: string,
  count: number,
): number[] {
  const meta = metadata.topic(topic);
  const out: number[] = [];
  if (meta) for (let p = 0; p < count; p++) if ((meta.partitions[p]?.leader ?? -1) >= 0) out.push(p);
  return out;
}
