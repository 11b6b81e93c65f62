/**
 * `seek()`, `pause()` and `resume()`: how they change assigned partitions, and what they keep for
 * partitions not assigned yet (a pending seek, a paused topic or partition) until they are.
 */
import type { TopicPartitions } from '../assignors/types.js';
import { ConfigurationError } from '../errors.js';
import { checkSelectors, toOffset } from './arguments.js';
import type { TopicPartitionSelector } from './message.js';
import { type PartitionState, partitionKey, topicPartitionsOf } from './partition-state.js';

export interface SeekTarget {
  topic: string;
  partition: number;
  /** `-2` seeks to the earliest offset, `-1` to the latest. */
  offset: string | bigint | number;
}

export class SeekPause {
  private readonly pausedTopics = new Map<string, Set<number> | 'all'>();
  private readonly pendingSeeks = new Map<string, bigint>();

  constructor(private readonly assigned: ReadonlyMap<string, PartitionState>) {}

  /**
   * Moves a partition's position: at once when it is assigned (and returns it), else when it gets
   * assigned (and returns null).
   */
  seek({ topic, partition, offset }: SeekTarget): PartitionState | null {
    if (typeof topic !== 'string' || !Number.isInteger(partition)) {
      throw new ConfigurationError('seek', 'expected { topic: string, partition: number, offset }');
    }
    const target = toOffset('offset', offset, true);
    const key = partitionKey(topic, partition);
    const p = this.assigned.get(key);
    if (!p) {
      this.pendingSeeks.set(key, target);
      return null;
    }
    applySeek(p, target);
    return p;
  }

  /**
   * Applies the seeks made before these partitions were assigned, to those whose position is still
   * unknown. Returns whether one of them asked for a reset (earliest or latest).
   */
  applyPendingSeeks(added: readonly PartitionState[]): boolean {
    let reset = false;
    for (const p of added) {
      const seek = this.pendingSeeks.get(p.key);
      if (seek !== undefined && p.position === null) {
        this.pendingSeeks.delete(p.key);
        if (applySeek(p, seek)) reset = true;
      }
    }
    return reset;
  }

  /** Whether a newly assigned partition starts paused (pause() named it or its topic before). */
  isPaused(topic: string, partition: number): boolean {
    const paused = this.pausedTopics.get(topic);
    return paused === 'all' || (paused instanceof Set && paused.has(partition));
  }

  pause(selectors: TopicPartitionSelector[]): void {
    for (const { topic, partitions } of checkSelectors('pause', selectors)) {
      if (partitions === undefined) this.pausedTopics.set(topic, 'all');
      else {
        const current = this.pausedTopics.get(topic);
        if (current !== 'all') {
          const set = current ?? new Set<number>();
          for (const n of partitions) set.add(n);
          this.pausedTopics.set(topic, set);
        }
      }
      for (const p of this.assigned.values()) {
        if (p.topic === topic && (partitions === undefined || partitions.includes(p.partition)))
          p.paused = true;
      }
    }
  }

  /** Resumes; `onResumed` gets each assigned partition that was paused, as soon as it is not. */
  resume(selectors: TopicPartitionSelector[], onResumed: (p: PartitionState) => void): void {
    for (const { topic, partitions } of checkSelectors('resume', selectors)) {
      const current = this.pausedTopics.get(topic);
      if (partitions === undefined || current === undefined) this.pausedTopics.delete(topic);
      else if (current === 'all') {
        // Resuming some partitions of a fully paused topic: keep the others paused.
        const rest = new Set<number>();
        for (const p of this.assigned.values())
          if (p.topic === topic && !partitions.includes(p.partition)) rest.add(p.partition);
        this.pausedTopics.set(topic, rest);
      } else {
        for (const n of partitions) current.delete(n);
        if (current.size === 0) this.pausedTopics.delete(topic);
      }
      for (const p of this.assigned.values()) {
        if (p.topic === topic && (partitions === undefined || partitions.includes(p.partition)) && p.paused) {
          p.paused = false;
          onResumed(p);
        }
      }
    }
  }

  /** Paused partitions of the current assignment. */
  paused(): TopicPartitions[] {
    const paused: PartitionState[] = [];
    for (const p of this.assigned.values()) if (p.paused) paused.push(p);
    return topicPartitionsOf(paused);
  }
}

/**
 * Moves `p` to `target`, dropping what is buffered; -2 and -1 ask for a reset to the earliest or
 * latest offset instead, and then it returns true.
 */
export function applySeek(p: PartitionState, target: bigint): boolean {
  if (target === -2n || target === -1n) {
    p.requestReset(target === -2n ? 'earliest' : 'latest');
    return true;
  }
  p.seek(target);
  p.finished = target;
  p.failures = 0;
  return false;
}
