/**
 * What every admin call needs: the cluster, the admin's retry policy, and running a request
 * against the right broker (any, the controller, a group's coordinator) with the retries and
 * metadata or coordinator refreshes the errors call for.
 */
import { type Cluster, isCoordinatorError } from '../cluster/cluster.js';
import { isStaleMetadataError } from '../cluster/metadata.js';
import type { ResolvedRetry } from '../config/client-options.js';
import {
  ConfigurationError,
  createKafkaError,
  ErrorCode,
  isRetriable,
  KafkaProtocolError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { withRetry } from '../retry.js';
import { validateTopicName } from '../topic-name.js';

export class AdminContext {
  constructor(
    readonly cluster: Cluster,
    readonly retry: ResolvedRetry,
    readonly log: Logger,
  ) {}

  /** The partitions of `topic`, fetching its metadata first when it is not known. */
  async partitionsOf(topic: string, signal?: AbortSignal): Promise<number[]> {
    if (typeof topic !== 'string' || topic.length === 0) throw new ConfigurationError('topic', 'is required');
    validateTopicName(topic);
    const metadata = this.cluster.metadata;
    if (metadata.partitionCount(topic) === 0) {
      await this.withRetry(
        'fetching metadata',
        async () => {
          await metadata.refresh([topic]);
          if (metadata.partitionCount(topic) === 0) {
            throw createKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiName: 'Metadata', topic });
          }
        },
        signal,
      );
    }
    return metadata.topic(topic)!.partitions.map((p) => p.partition);
  }

  /** Retries `fn` on retriable errors, refreshing metadata when it is stale. */
  withRetry<T>(what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(this.retry, fn, {
      signal,
      what,
      onRetry: (err) => {
        if (err instanceof KafkaProtocolError && isStaleMetadataError(err.errorCode))
          this.cluster.metadata.invalidate();
      },
    });
  }

  /** Runs `fn` against the controller, refreshing metadata when it moved (NOT_CONTROLLER). */
  withController(
    what: string,
    fn: (controller: number | 'any') => Promise<void>,
    signal?: AbortSignal,
    shouldRetry: (err: unknown) => boolean = isRetriable,
  ) {
    return withRetry(
      this.retry,
      async () => {
        await this.cluster.metadata.refreshIfStale();
        const controller = this.cluster.metadata.controllerId;
        await fn(controller >= 0 ? controller : 'any');
      },
      {
        signal,
        what,
        shouldRetry,
        onRetry: async (err) => {
          if (err instanceof KafkaProtocolError && err.errorCode === ErrorCode.NOT_CONTROLLER) {
            this.cluster.metadata.invalidate();
          }
          if (!(err instanceof KafkaProtocolError)) this.cluster.metadata.invalidate();
        },
      },
    );
  }

  /** Runs `fn` against the group's coordinator, looking it up again when it moved. */
  withCoordinator<T>(
    groupId: string,
    signal: AbortSignal | undefined,
    fn: (coordinator: number) => Promise<T>,
  ) {
    return withRetry(
      this.retry,
      async () => fn(await this.cluster.findCoordinator(groupId, 'group', signal)),
      {
        signal,
        what: `group ${groupId}`,
        onRetry: (err) => {
          if (isCoordinatorError(err)) this.cluster.invalidateCoordinator(groupId, 'group');
        },
      },
    );
  }
}
