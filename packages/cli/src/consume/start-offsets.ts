/**
 * Where `samsa consume --offset` starts each partition: `earliest` (`beginning`), `latest` (`end`), an offset, `-N`
 * (N records before the end, as kcat's -o -N), or `@time` (the first record at or after an ISO 8601 time or ms).
 */
import { UsageError } from '@samsa/cli-kit';
import type { Admin, TopicDescription } from '@samsa/core-client';
import { parseTime } from '../time.js';

export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'from-end'; count: bigint }
  | { kind: 'time'; timestamp: number };

export function parseOffsetSpec(text: string): OffsetSpec {
  if (text === 'earliest' || text === 'beginning') return { kind: 'earliest' };
  if (text === 'latest' || text === 'end') return { kind: 'latest' };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  if (/^-\d+$/.test(text)) return { kind: 'from-end', count: -BigInt(text) };
  if (text.startsWith('@')) return { kind: 'time', timestamp: parseTime(text.slice(1), '--offset @') };
  throw new UsageError(
    `--offset takes earliest, latest, an offset, -N (N before the end) or @time (ISO 8601 or ms), not "${text}"`,
  );
}

/** The offset to seek each partition to (`-2` earliest, `-1` latest, as the consumer's seek takes them). */
export async function startOffsets(
  admin: Admin,
  topic: TopicDescription,
  partitions: number[],
  spec: OffsetSpec,
  signal: AbortSignal,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const byTime =
    spec.kind === 'time'
      ? new Map(
          (await admin.fetchTopicOffsetsByTimestamp(topic.name, spec.timestamp, { signal })).map((p) => [
            p.partition,
            p.offset,
          ]),
        )
      : undefined;
  for (const partition of partitions) {
    const p = topic.partitions.find((d) => d.partition === partition)!;
    switch (spec.kind) {
      case 'earliest':
        out.set(partition, '-2');
        break;
      case 'latest':
        out.set(partition, '-1');
        break;
      case 'offset':
        out.set(partition, spec.offset.toString());
        break;
      case 'from-end': {
        const from = BigInt(p.endOffset) - spec.count;
        const start = BigInt(p.startOffset);
        out.set(partition, (from < start ? start : from).toString());
        break;
      }
      case 'time':
        out.set(partition, byTime!.get(partition)!);
        break;
    }
  }
  return out;
}
