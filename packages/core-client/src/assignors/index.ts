import { CooperativeStickyAssignor } from './cooperative-sticky.js';
import { RangeAssignor } from './range.js';
import { KafkaJSRoundRobinAssignor, RoundRobinAssignor } from './round-robin.js';
import type { PartitionAssignor, RebalanceProtocol } from './types.js';

export {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';
export { CooperativeStickyAssignor } from './cooperative-sticky.js';
export { RangeAssignor } from './range.js';
export { KafkaJSRoundRobinAssignor, RoundRobinAssignor } from './round-robin.js';
export type {
  AssignmentContext,
  MemberAssignment,
  MemberSubscription,
  PartitionAssignor,
  RebalanceProtocol,
  ReceivedAssignment,
  SubscriptionState,
  TopicPartitions,
} from './types.js';

/** Assignor names accepted in `partitionAssignors`, as the Java client and librdkafka spell them. */
export type AssignorName = 'range' | 'roundrobin' | 'cooperative-sticky' | 'RoundRobinAssigner';

const byName: Record<AssignorName, () => PartitionAssignor> = {
  range: () => new RangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  'cooperative-sticky': () => new CooperativeStickyAssignor(),
  RoundRobinAssigner: () => new KafkaJSRoundRobinAssignor(),
};

export function isAssignorName(name: string): name is AssignorName {
  return Object.hasOwn(byName, name);
}

export function assignorByName(name: AssignorName): PartitionAssignor {
  return byName[name]();
}

export const assignorNames: readonly AssignorName[] = Object.keys(byName) as AssignorName[];

/**
 * The rebalance protocol a consumer runs: the most advanced one every configured assignor supports
 * (Java's rule). Offering `range` next to `cooperative-sticky` therefore stays eager, which is the
 * first step of a rolling upgrade to cooperative.
 */
export function rebalanceProtocolOf(assignors: readonly PartitionAssignor[]): RebalanceProtocol {
  return assignors.length > 0 && assignors.every((a) => a.supportedProtocols.includes('cooperative'))
    ? 'cooperative'
    : 'eager';
}
