/**
 * Which topics use a subject: those whose name gives it (the topic name strategy: `<topic>-value`, `<topic>-key`),
 * those where the console saw records written with one of its schema ids, and those whose newest record per
 * partition carries one (sampled, bounded in topics and time, for the record name strategies).
 */
import type { SubjectDetails } from '../../api/types.js';
import type { OperationsContext } from './context.js';
import { PartitionReader } from './partition-reader.js';

const SAMPLED_TOPICS = 25;
const SAMPLE_TIME_MS = 3000;

export async function topicsUsingSubject(
  ctx: OperationsContext,
  subject: string,
  schemaIds: number[],
  outer?: AbortSignal,
): Promise<SubjectDetails['topics']> {
  const ids = new Set(schemaIds);
  const found = new Map<string, 'topic-name' | 'records'>();
  const topics = await ctx.admin.listTopics({ signal: ctx.signal(outer) }).catch(() => [] as string[]);
  for (const topic of topics) {
    if (subject === `${topic}-value` || subject === `${topic}-key`) found.set(topic, 'topic-name');
  }
  for (const id of ids) {
    for (const topic of ctx.display.topicsSeenWith(id)) if (!found.has(topic)) found.set(topic, 'records');
  }
  const deadline = Date.now() + SAMPLE_TIME_MS;
  const candidates = topics.filter((t) => !found.has(t) && !t.startsWith('_')).slice(0, SAMPLED_TOPICS);
  for (const topic of candidates) {
    if (Date.now() >= deadline) break;
    if (await newestRecordsUse(ctx, topic, ids, deadline).catch(() => false)) found.set(topic, 'records');
  }
  return [...found].map(([topic, how]) => ({ topic, how })).sort((a, b) => a.topic.localeCompare(b.topic));
}

async function newestRecordsUse(
  ctx: OperationsContext,
  topic: string,
  ids: Set<number>,
  deadline: number,
): Promise<boolean> {
  const watermarks = await ctx.admin.fetchTopicOffsets(topic);
  const ranges = watermarks
    .filter((w) => BigInt(w.high) > BigInt(w.low))
    .map((w) => ({ partition: w.partition, from: BigInt(w.high) - 1n, to: BigInt(w.high) }));
  if (ranges.length === 0) return false;
  const reader = new PartitionReader(
    ctx.kafka,
    topic,
    ranges.map((r) => r.partition),
  );
  try {
    const { records } = await reader.read(ranges, deadline);
    for (const messages of records.values()) {
      for (const m of messages) {
        for (const data of [m.key, m.value]) {
          if (data && data.length >= 5 && data[0] === 0 && ids.has(data.readUInt32BE(1))) return true;
        }
      }
    }
    return false;
  } finally {
    await reader.close();
  }
}
