/** The group coordinator's settings, by their Kafka broker config names. */
export interface GroupConfig {
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** offset.metadata.max.bytes */
  maxOffsetMetadataBytes: number;
  /** offsets.retention.minutes, in ms: how long an empty group's committed offsets are kept. */
  offsetsRetentionMs: number;
  /** group.consumer.heartbeat.interval.ms: the interval consumer-protocol members heartbeat at. */
  consumerHeartbeatIntervalMs: number;
  /** group.consumer.session.timeout.ms: a consumer-protocol member silent this long is removed. */
  consumerSessionTimeoutMs: number;
  /** group.consumer.max.size: members a consumer-protocol group accepts. */
  consumerMaxSize: number;
  /** group.consumer.assignors: server assignors offered, the first is the default. */
  consumerAssignors: readonly string[];
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  maxOffsetMetadataBytes: 4096,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  consumerHeartbeatIntervalMs: 5000,
  consumerSessionTimeoutMs: 45_000,
  consumerMaxSize: 2 ** 31 - 1,
  consumerAssignors: ['uniform', 'range'],
};
