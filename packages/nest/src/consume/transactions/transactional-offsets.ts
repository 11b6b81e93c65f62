import type { OffsetCommits } from '../offset-committer.js';

/**
 * A transactional subscription commits each delivery's offset in the delivery's transaction, so
 * nothing is left to commit when a strategy finishes a fetched batch.
 */
export class OffsetsCommittedInTransactions implements OffsetCommits {
  commit(): void {}

  async flush(): Promise<void> {}
}
