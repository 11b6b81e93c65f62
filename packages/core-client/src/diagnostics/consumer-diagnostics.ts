/**
 * What the consumer's parts (runner, fetcher, committer, control loop, memberships) share to report
 * on themselves: who the consumer is in events, its KafkaJS event emitter, and its metrics recorder.
 */
import { ConsumerEventEmitter } from '../consumer/events.js';
import type { ClientInfo } from './channels.js';
import { ConsumerMetricsRecorder } from './metrics/consumer-metrics.js';

export interface ConsumerDiagnostics {
  /** `type: 'consumer'` with the group. */
  readonly client: ClientInfo;
  readonly groupId: string;
  readonly events: ConsumerEventEmitter;
  readonly metrics: ConsumerMetricsRecorder;
}

export function consumerDiagnostics(clientId: string, groupId: string): ConsumerDiagnostics {
  return {
    client: { type: 'consumer', clientId, groupId },
    groupId,
    events: new ConsumerEventEmitter(),
    metrics: new ConsumerMetricsRecorder(),
  };
}
