/**
 * Offsets committed inside transactions (TxnOffsetCommit, KIP-98/KIP-447): held per producer id
 * until the transaction ends. When the transaction coordinator writes the COMMIT marker they
 * become the group's committed offsets; ABORT drops them. While a partition has some waiting,
 * OffsetFetch with RequireStable answers UNSTABLE_OFFSET_COMMIT for it.
 */
import type { Logger } from '../logger.js';
import type { GroupConfig } from './group-config.js';
import { acceptCommitEntries, type CommitEntry } from './group-offsets.js';
import type { OffsetStore } from './offset-store.js';

export class TransactionalOffsets {
  constructor(
    private readonly store: OffsetStore,
    private readonly config: Pick<GroupConfig, 'maxOffsetMetadataBytes'>,
    private readonly logger: Logger,
  ) {}

  /** Holds the entries whose metadata fits offset.metadata.max.bytes; an error code per entry. */
  stage(groupId: string, producerId: number, entries: readonly CommitEntry[]): number[] {
    const { codes, accepted } = acceptCommitEntries(entries, this.config.maxOffsetMetadataBytes);
    if (accepted.length > 0) this.store.stage(groupId, producerId, accepted);
    return codes;
  }

  /** The producer's transaction ended: commit makes its offsets for the group visible, abort drops them. */
  complete(groupId: string, producerId: number, commit: boolean): void {
    if (!this.producers(groupId).has(producerId)) return;
    this.store.completeStaged(groupId, producerId, commit);
    this.logger.debug(
      `group ${groupId}: offsets of producer ${producerId} ${commit ? 'committed' : 'dropped'} with its transaction`,
    );
  }

  hasPending(groupId: string, topic: string, partition: number): boolean {
    for (const entry of this.store.staged(groupId)) {
      if (entry.topic === topic && entry.partition === partition) return true;
    }
    return false;
  }

  /** Producer ids with offsets waiting for their transaction in `groupId`. */
  producers(groupId: string): Set<number> {
    const ids = new Set<number>();
    for (const entry of this.store.staged(groupId)) ids.add(entry.producerId);
    return ids;
  }

  /** Groups with offsets waiting for a transaction (they exist, Empty, after a restart). */
  groupIds(): Iterable<string> {
    return this.store.groupsWithStaged();
  }
}
