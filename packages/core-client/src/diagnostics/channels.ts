/**
 * The diagnostics channels the client publishes on (`node:diagnostics_channel`), and their payloads.
 * Names and payload shapes are a stable, documented contract (docs/observability.md): APM agents and
 * @samsa/otel subscribe to them without touching client internals. Nothing is built or published
 * while a channel has no subscriber.
 *
 * Operations are tracing channels (`start`, `end`, `asyncStart`, `asyncEnd`, `error` on
 * `tracing:<name>:<event>`). Every operation is asynchronous from the subscriber's point of view: it
 * publishes `start`, `end` when its synchronous part returns, then `error` (with `context.error`) if it
 * failed, and always `asyncStart` and `asyncEnd` once it settled, even when it settled synchronously
 * (a synchronous eachMessage handler). Stores bound to a channel's `start` (`bindStore`) are active
 * while the operation's synchronous part runs: for `samsa:consumer:process` that is the handler, so
 * work the handler starts sees the subscriber's context (a span).
 */
import { type Channel, channel, type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import type { TopicPartitions } from '../assignors/types.js';
import type { Batch, KafkaMessage } from '../consumer/message.js';
import type { Message, SendResult } from '../producer/types.js';

/** Channel names, as subscribers spell them (`diagnostics_channel.tracingChannel(name)`). */
export const DiagnosticsChannels = {
  /** Every Kafka request on a connection, from written to answered (RequestEvent). */
  request: 'samsa:request',
  /** A producer's `send()` / `sendBatch()` call, from the call to its promise settling (SendEvent). */
  send: 'samsa:producer:send',
  /** One Produce request: the record batches a producer sends a broker together (ProduceEvent). */
  produce: 'samsa:producer:produce',
  /** One Fetch request of a consumer to a broker (FetchEvent). */
  fetch: 'samsa:consumer:fetch',
  /** One eachMessage call (a record) or eachBatch call (a batch) of a consumer (ProcessEvent). */
  process: 'samsa:consumer:process',
  /** One offset commit of a consumer (CommitEvent). */
  commit: 'samsa:consumer:commit',
  /** Joining the group: JoinGroup + SyncGroup with their retries, or KIP-848's joining heartbeat (JoinEvent). */
  join: 'samsa:consumer:join',
  /** One heartbeat to the group coordinator (HeartbeatEvent). */
  heartbeat: 'samsa:consumer:heartbeat',
  /** A rebalance as the member lives it: revoke, join, assign (RebalanceEvent). */
  rebalance: 'samsa:consumer:rebalance',
  /** A plain channel: a producer, consumer or admin was created (ClientCreatedEvent). */
  clientCreated: 'samsa:client:created',
} as const;

export type ClientType = 'producer' | 'consumer' | 'admin';

/** Who published an event: one object per client, the same object in every event it publishes. */
export interface ClientInfo {
  readonly type: ClientType;
  readonly clientId: string;
  /** The consumer's group. */
  readonly groupId?: string;
  /** The producer's transactionalId. */
  readonly transactionalId?: string;
}

/** A broker as events name it: node id (negative for a bootstrap seed not yet identified), host, port. */
export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** Fields every tracing context has: what the operation returned or why it failed. */
export interface OperationOutcome<R> {
  result?: R;
  error?: unknown;
}

/** `samsa:request`: one request on a connection. */
export interface RequestEvent extends OperationOutcome<unknown> {
  client: ClientInfo;
  broker: BrokerAddress;
  /** Which of the client's connections to the broker carried it. */
  purpose: 'produce' | 'fetch' | 'group' | 'admin' | 'metadata';
  apiKey: number;
  apiName: string;
  apiVersion: number;
  correlationId: number;
  /** Bytes written, framing included. */
  requestBytes: number;
  /** False for a request that gets no response (Produce with acks=0): it settles once written. */
  expectResponse: boolean;
  /** Bytes of the response frame, once answered. */
  responseBytes?: number;
}

/** `samsa:producer:send`: one `send()` / `sendBatch()` call; `result` is its SendResult. */
export interface SendEvent extends OperationOutcome<SendResult> {
  client: ClientInfo;
  operation: 'send' | 'sendBatch';
  /**
   * The call's messages by topic, as the application passed them. A `start` subscriber may set a
   * message's `headers` (W3C trace context): records are written after `start` returns.
   */
  topicMessages: readonly { topic: string; messages: Message<unknown, unknown>[] }[];
  /** Messages in the call, over every topic. */
  messageCount: number;
  acks: number;
}

/** One record batch of a Produce request. */
export interface ProducedBatch {
  topic: string;
  partition: number;
  records: number;
  bytes: number;
  /** 1 for the first time the batch is sent, 2 for its first retry, ... */
  attempt: number;
  /** After the response: offset of the batch's first record, or null if it is retried or failed. */
  baseOffset: string | null;
}

/** `samsa:producer:produce`: one Produce request to one broker. */
export interface ProduceEvent extends OperationOutcome<undefined> {
  client: ClientInfo;
  nodeId: number;
  acks: number;
  batches: ProducedBatch[];
  records: number;
  bytes: number;
}

/** What one Fetch response brought for one partition. */
export interface FetchedPartition {
  topic: string;
  partition: number;
  fetchOffset: string;
  /** After the response: -1 until known. */
  highWatermark: string;
  /** Bytes of complete record batches received. */
  bytes: number;
  errorCode: number;
}

/** `samsa:consumer:fetch`: one Fetch request. `partitions` are filled in from the response. */
export interface FetchEvent extends OperationOutcome<undefined> {
  client: ClientInfo;
  groupId: string;
  nodeId: number;
  maxWaitMs: number;
  partitions: FetchedPartition[];
  /** Bytes of record batches received, over all partitions. */
  bytes: number;
}

/** `samsa:consumer:process`: one handler call. */
export interface ProcessEvent extends OperationOutcome<unknown> {
  client: ClientInfo;
  groupId: string;
  mode: 'eachMessage' | 'eachBatch';
  topic: string;
  partition: number;
  /** eachMessage: the record handed to the handler. */
  message?: KafkaMessage<unknown, unknown>;
  /** eachBatch: the batch handed to the handler. */
  batch?: Batch<unknown, unknown>;
  /** 1 on first delivery; n after the handler failed n-1 times for this position and it is delivered again. */
  attempt: number;
}

/** `samsa:consumer:commit`: one offset commit (offsets are the next ones to consume). */
export interface CommitEvent extends OperationOutcome<undefined> {
  client: ClientInfo;
  groupId: string;
  memberId: string;
  generationId: number;
  offsets: { topic: string; partition: number; offset: string }[];
}

/** `samsa:consumer:join`. */
export interface JoinEvent
  extends OperationOutcome<{
    generationId: number;
    memberId: string;
    isLeader: boolean;
    /** The assignor (classic) or the protocol's name. */
    protocolName: string;
    /** This member's partitions. */
    partitions: TopicPartitions[];
  }> {
  client: ClientInfo;
  groupId: string;
  groupProtocol: 'classic' | 'consumer';
  memberId: string;
}

/** `samsa:consumer:heartbeat`: `result` is the broker's error code (0 when all is well). */
export interface HeartbeatEvent extends OperationOutcome<number> {
  client: ClientInfo;
  groupId: string;
  groupProtocol: 'classic' | 'consumer';
  memberId: string;
  generationId: number;
}

/** `samsa:consumer:rebalance`. */
export interface RebalanceEvent
  extends OperationOutcome<{
    generationId: number;
    memberId: string;
    assigned: TopicPartitions[];
    revoked: TopicPartitions[];
  }> {
  client: ClientInfo;
  groupId: string;
  memberId: string;
}

/** `samsa:client:created` (plain channel): `instance.metrics()` gives its metrics snapshot. */
export interface ClientCreatedEvent {
  client: ClientInfo;
  instance: { metrics(): unknown };
}

type Traced<T extends object> = TracingChannel<unknown, T>;

/** The channels themselves (diagnostics_channel keeps one object per name, shared with subscribers). */
export const channels = {
  request: tracingChannel(DiagnosticsChannels.request) as Traced<RequestEvent>,
  send: tracingChannel(DiagnosticsChannels.send) as Traced<SendEvent>,
  produce: tracingChannel(DiagnosticsChannels.produce) as Traced<ProduceEvent>,
  fetch: tracingChannel(DiagnosticsChannels.fetch) as Traced<FetchEvent>,
  process: tracingChannel(DiagnosticsChannels.process) as Traced<ProcessEvent>,
  commit: tracingChannel(DiagnosticsChannels.commit) as Traced<CommitEvent>,
  join: tracingChannel(DiagnosticsChannels.join) as Traced<JoinEvent>,
  heartbeat: tracingChannel(DiagnosticsChannels.heartbeat) as Traced<HeartbeatEvent>,
  rebalance: tracingChannel(DiagnosticsChannels.rebalance) as Traced<RebalanceEvent>,
  clientCreated: channel(DiagnosticsChannels.clientCreated) as Channel<unknown, ClientCreatedEvent>,
};
