/**
 * When a @platformatic/kafka consumer (KIP-848 protocol) is really done with an assignment. The broker
 * records an assignment as soon as it sends it; the client applies it after a metadata round trip and
 * then re-reads the committed offsets of all its partitions, kept ones included. Records it fetched
 * meanwhile but had not committed come again, so a test that produces once the broker's view is
 * stable also waits for this.
 */

/** What is read of a @platformatic/kafka Consumer (structural, so this package need not depend on it). */
export interface PlatformaticAssignments {
  assignments: { topic: string; partitions: number[] }[] | null;
}

/** What is read of its MessagesStream: 'offsets' follows each re-read of committed offsets. */
export interface PlatformaticOffsetsEvents {
  on(event: 'offsets', listener: () => void): unknown;
}

export interface AppliedAssignment {
  /**
   * The client applied exactly `partitions` of the topic, and has re-read offsets since each was new
   * to it. Poll it (as `waitFor` does): a partition given up between two calls and back is not seen.
   */
  matches(partitions: readonly number[]): boolean;
}

export function watchAppliedAssignment(
  consumer: PlatformaticAssignments,
  stream: PlatformaticOffsetsEvents,
  topic: string,
): AppliedAssignment {
  const applied = () =>
    (consumer.assignments ?? [])
      .flatMap((a) => (a.topic === topic ? a.partitions : []))
      .sort((a, b) => a - b);
  // A revocation alone re-reads nothing, so the partitions held are a subset of those last re-read.
  let reread: number[] = [];
  stream.on('offsets', () => {
    reread = applied();
  });
  return {
    matches(partitions) {
      const wanted = [...partitions].sort((a, b) => a - b);
      const held = applied();
      // Forget what was given up since, so a partition that comes back needs a new re-read.
      reread = reread.filter((p) => held.includes(p));
      return String(held) === String(wanted) && wanted.every((p) => reread.includes(p));
    },
  };
}
