/** The consumer's public surface, re-exported by the package index. */
export {
  type AssignmentContext,
  type AssignorName,
  CooperativeStickyAssignor,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  KafkaJSRoundRobinAssignor,
  type MemberAssignment,
  type MemberSubscription,
  type PartitionAssignor,
  RangeAssignor,
  type RebalanceProtocol,
  type ReceivedAssignment,
  RoundRobinAssignor,
  type SubscriptionState,
  type TopicPartitions,
} from '../assignors/index.js';
export {
  CommitFailedError,
  FencedInstanceIdError,
  RebalanceInProgressError,
} from '../cluster/group-errors.js';
export type {
  AutoOffsetReset,
  ConsumerConfig,
  GroupProtocol,
  IsolationLevel,
  RebalanceCallback,
} from './config.js';
export { Consumer } from './consumer.js';
export {
  ConsumerStateError,
  CorruptRecordBatchError,
  GroupJoinError,
  GroupMembershipLostError,
  NoOffsetForPartitionError,
} from './errors.js';
export { type ConsumerEvent, type ConsumerEventName, ConsumerEvents } from './events.js';
export type { GroupJoinResult } from './group/classic-group.js';
export {
  type GroupAssignments,
  GroupMember,
  type GroupMemberClient,
  type GroupMemberConfig,
  type GroupMemberMetadata,
  type GroupRevokeReason,
} from './group/group-member.js';
export type {
  Batch,
  ConsumerGroupMetadata,
  Deserializer,
  DeserializerContext,
  EachBatchHandler,
  EachBatchPayload,
  EachMessageHandler,
  EachMessagePayload,
  KafkaMessage,
  MessageHeaders,
  OffsetsByTopicPartition,
  TopicPartitionOffset,
  TopicPartitionSelector,
} from './message.js';
export type { ConsumerMessagesOptions } from './message-iterator.js';
export type { RunOptions } from './run-options.js';
export type { SubscribeOptions } from './subscription.js';

/** KafkaJS's `PartitionAssigners`, with Java's assignors added: `partitionAssignors: [PartitionAssigners.roundRobin]`. */
export const PartitionAssigners = {
  range: 'range',
  roundRobin: 'RoundRobinAssigner',
  javaRoundRobin: 'roundrobin',
  cooperativeSticky: 'cooperative-sticky',
} as const;
