/**
 * What the consumer wants to consume: topic names and patterns from `subscribe()` (with their
 * `fromBeginning` reset strategy), or exact partitions from `assign()`. Patterns are matched against
 * the cluster's topics on every rebalance and every `metadataMaxAgeMs`.
 */
import { toTopicPartitions } from '../assignors/consumer-protocol.js';
import type { TopicPartitions } from '../assignors/types.js';
import { describeMissingTopic } from '../cluster/missing-topic.js';
import { describe, rejectUnknown } from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { validateTopicName } from '../topic-name.js';
import type { ClusterLike } from './cluster-like.js';
import type { AutoOffsetReset } from './config.js';
import { ConsumerStateError } from './errors.js';

export interface SubscribeOptions {
  /** Topic names or patterns; patterns are matched against the cluster's topics, again on every rebalance. */
  topics?: (string | RegExp)[];
  /** KafkaJS's single-topic form. */
  topic?: string | RegExp;
  /** Start these topics from the earliest offset when the group has none (KafkaJS). Default: `autoOffsetReset`. */
  fromBeginning?: boolean;
}

export class Subscription {
  private readonly topics = new Set<string>();
  private readonly patterns: RegExp[] = [];
  private readonly resetByTopic = new Map<string, AutoOffsetReset>();
  private readonly patternResets: { pattern: RegExp; reset: AutoOffsetReset }[] = [];
  /** Partitions taken with assign() (no group management), or null for a subscribing consumer. */
  manual: TopicPartitions[] | null = null;
  /** The topics the current assignment was made for, sorted (set on every join and assign()). */
  current: string[] = [];
  /** Subscribed topics warned about as missing, each once until it appears. */
  private readonly warnedMissing = new Set<string>();

  constructor(
    private readonly cluster: Pick<ClusterLike, 'metadata'>,
    private readonly autoOffsetReset: AutoOffsetReset,
    private readonly logger: Logger,
  ) {}

  /** Whether neither subscribe() nor assign() was called. */
  get isEmpty(): boolean {
    return this.topics.size === 0 && this.patterns.length === 0 && this.manual === null;
  }

  get hasPatterns(): boolean {
    return this.patterns.length > 0;
  }

  /** Adds `subscribe()`'s topics and patterns; returns the topic names among them. */
  subscribe(options: SubscribeOptions): string[] {
    if (options === null || typeof options !== 'object') {
      throw new ConfigurationError('subscribe', 'expected { topics: [...] } or { topic }');
    }
    rejectUnknown('subscribe()', options, ['topics', 'topic', 'fromBeginning']);
    const list = options.topics ?? (options.topic !== undefined ? [options.topic] : undefined);
    if (!Array.isArray(list) || list.length === 0) {
      throw new ConfigurationError(
        'topics',
        'subscribe() needs a non-empty `topics` array (names or RegExps)',
      );
    }
    if (this.manual !== null) {
      throw new ConsumerStateError(
        'This consumer has partitions from assign(); subscribe() and assign() are mutually exclusive (use two consumers)',
      );
    }
    if (options.fromBeginning !== undefined && typeof options.fromBeginning !== 'boolean') {
      throw new ConfigurationError(
        'fromBeginning',
        `expected true or false, got ${describe(options.fromBeginning)}`,
      );
    }
    const reset: AutoOffsetReset | undefined =
      options.fromBeginning === undefined ? undefined : options.fromBeginning ? 'earliest' : 'latest';
    // All checked before any is taken, so a bad entry leaves the subscription as it was.
    for (const t of list) {
      if (typeof t === 'string') {
        if (t.length === 0) throw new ConfigurationError('topics', 'topic names must not be empty');
        validateTopicName(t);
      } else if (!(t instanceof RegExp)) {
        throw new ConfigurationError('topics', `expected topic names or RegExps, got ${describe(t)}`);
      }
    }
    const names: string[] = [];
    for (const t of list) {
      if (typeof t === 'string') {
        this.topics.add(t);
        names.push(t);
        if (reset) this.resetByTopic.set(t, reset);
      } else {
        this.patterns.push(t);
        if (reset) this.patternResets.push({ pattern: t, reset });
      }
    }
    return names;
  }

  /** Subscribed topic names (not patterns) the cluster has no partitions for, as of the latest metadata. */
  missingTopics(): string[] {
    return [...this.topics].filter((t) => this.cluster.metadata.partitionCount(t) === 0);
  }

  /** Logs at warn, once per topic until it appears, each subscribed topic that does not exist (and why). */
  warnMissingTopics(groupId: string, recheckEveryMs: number): void {
    const missing = this.missingTopics();
    for (const t of this.warnedMissing) if (!missing.includes(t)) this.warnedMissing.delete(t);
    for (const topic of missing) {
      if (this.warnedMissing.has(topic)) continue;
      this.warnedMissing.add(topic);
      this.logger.warn(
        `subscribe(): ${describeMissingTopic(this.cluster.metadata, topic)}; the consumer gets its partitions ` +
          `once it is created (it looks every ${recheckEveryMs / 1000} s)`,
        { groupId, topic },
      );
    }
  }

  /** Replaces the partitions taken with `assign()`. */
  assign(partitions: { topic: string; partitions: number[] }[]): void {
    if (!Array.isArray(partitions)) {
      throw new ConfigurationError('assign', 'expected an array of { topic, partitions: [numbers] }');
    }
    if (this.topics.size > 0 || this.patterns.length > 0) {
      throw new ConsumerStateError(
        'This consumer subscribed to topics; subscribe() and assign() are mutually exclusive (use two consumers)',
      );
    }
    const byTopic = new Map<string, number[]>();
    for (const entry of partitions) {
      if (
        entry === null ||
        typeof entry !== 'object' ||
        typeof entry.topic !== 'string' ||
        entry.topic === '' ||
        !Array.isArray(entry.partitions) ||
        !entry.partitions.every((n) => Number.isInteger(n) && n >= 0)
      ) {
        throw new ConfigurationError(
          'assign',
          'expected an array of { topic: non-empty string, partitions: [partition numbers >= 0] }',
        );
      }
      const list = byTopic.get(entry.topic) ?? [];
      for (const n of entry.partitions) if (!list.includes(n)) list.push(n);
      byTopic.set(entry.topic, list);
    }
    for (const topic of byTopic.keys()) validateTopicName(topic);
    this.manual = toTopicPartitions(byTopic);
  }

  /** Where `topic` starts when the group has no offset for it. */
  resetFor(topic: string): AutoOffsetReset {
    const explicit = this.resetByTopic.get(topic);
    if (explicit) return explicit;
    for (const { pattern, reset } of this.patternResets) {
      pattern.lastIndex = 0;
      if (pattern.test(topic)) return reset;
    }
    return this.autoOffsetReset;
  }

  /** Subscribed names plus the cluster topics that match a pattern (internal topics excluded). */
  async resolve(): Promise<string[]> {
    const out = new Set(this.topics);
    if (this.patterns.length > 0) {
      try {
        await this.cluster.metadata.refresh(null);
      } catch (err) {
        this.logger.warn('listing topics for pattern subscriptions failed', {
          error: (err as Error).message,
        });
      }
      for (const [name, meta] of this.cluster.metadata.topics) {
        if (meta.isInternal || name.startsWith('__')) continue;
        for (const pattern of this.patterns) {
          pattern.lastIndex = 0;
          if (pattern.test(name)) out.add(name);
        }
      }
    }
    // Metadata refreshes cover only tracked topics; the fetcher needs leaders for all of these.
    this.cluster.metadata.track(out);
    return [...out].sort();
  }

  /** Whether the patterns now match other topics than the current assignment was made for. */
  async patternsMatchOthers(): Promise<boolean> {
    const topics = await this.resolve();
    return topics.join('\u0000') !== this.current.join('\u0000');
  }

  /** Partition counts of `topics` for the group leader's assignor (missing topics left out). */
  async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    try {
      await this.cluster.metadata.refresh(topics);
    } catch (err) {
      this.logger.warn('metadata refresh for assignment failed; assigning from cached metadata', {
        error: (err as Error).message,
      });
    }
    const out = new Map<string, number>();
    for (const t of topics) {
      const n = this.cluster.metadata.partitionCount(t);
      if (n > 0) out.set(t, n);
    }
    return out;
  }
}
