/**
 * Leader epoch → start offset history of a partition (Kafka's leader-epoch-checkpoint), answering
 * OffsetForLeaderEpoch so clients can detect log truncation after a leader change (KIP-101/KIP-320).
 */
export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export interface EpochEndOffset {
  /** The largest known epoch <= the requested one, or -1 if unknown. */
  leaderEpoch: number;
  /** Where that epoch ended (start of the next epoch, or the log end offset), or -1 if unknown. */
  endOffset: number;
}

export class LeaderEpochCache {
  private entries: EpochEntry[] = [];

  constructor(entries: readonly EpochEntry[] = []) {
    for (const entry of entries) this.assign(entry.epoch, entry.startOffset);
  }

  get latestEpoch(): number {
    return this.entries.length === 0 ? -1 : this.entries[this.entries.length - 1].epoch;
  }

  list(): readonly EpochEntry[] {
    return this.entries;
  }

  /**
   * Records that `epoch` starts at `startOffset` if it is newer than every known epoch (a batch of a new
   * epoch appended or recovered); returns whether anything changed.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || epoch <= this.latestEpoch) return false;
    this.entries.push({ epoch, startOffset });
    return true;
  }

  /**
   * A leader starts `epoch` at `startOffset`, its log end offset (Kafka's LeaderEpochFileCache.assign, called
   * when a broker becomes leader): entries it would make non-monotonic, the same or later epochs and epochs
   * starting at or after `startOffset` (nothing was written in them), are replaced. Returns whether anything
   * changed.
   */
  startEpoch(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) return false;
    const last = this.entries[this.entries.length - 1];
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return false;
    while (this.entries.length > 0) {
      const entry = this.entries[this.entries.length - 1];
      if (entry.epoch < epoch && entry.startOffset < startOffset) break;
      this.entries.pop();
    }
    this.entries.push({ epoch, startOffset });
    return true;
  }

  /** Kafka's LeaderEpochFileCache.endOffsetFor semantics. */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    if (requestedEpoch < 0 || this.entries.length === 0) return { leaderEpoch: -1, endOffset: -1 };
    if (requestedEpoch === this.latestEpoch) return { leaderEpoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.entries.findIndex((entry) => entry.epoch > requestedEpoch);
    if (higher < 0) return { leaderEpoch: -1, endOffset: -1 };
    const floor = higher - 1;
    return {
      leaderEpoch: floor >= 0 ? this.entries[floor].epoch : requestedEpoch,
      endOffset: this.entries[higher].startOffset,
    };
  }

  /** Forgets epochs that start at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.entries.length;
    while (this.entries.length > 0 && this.entries[this.entries.length - 1].startOffset >= endOffset) {
      this.entries.pop();
    }
    return this.entries.length !== before;
  }

  /** Kafka's checkpoint text format: version, count, then "epoch startOffset" lines. */
  serialize(): string {
    return `0\n${this.entries.length}\n${this.entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join('')}`;
  }

  /** Parses a checkpoint; returns an empty cache for anything malformed (epochs are then relearned). */
  static parse(text: string): LeaderEpochCache {
    const lines = text.split('\n').filter((line) => line.length > 0);
    if (lines[0] !== '0' || Number(lines[1]) !== lines.length - 2) return new LeaderEpochCache();
    const entries: EpochEntry[] = [];
    for (const line of lines.slice(2)) {
      const [epoch, startOffset] = line.split(' ').map(Number);
      if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(startOffset)) return new LeaderEpochCache();
      entries.push({ epoch, startOffset });
    }
    return new LeaderEpochCache(entries);
  }
}
