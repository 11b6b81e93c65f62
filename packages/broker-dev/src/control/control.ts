/**
 * The control API tests use to put clients through failures: injected error codes, latency,
 * dropped connections, brokers stopping and starting, partition leaders moving. It also exposes
 * a little cluster inspection (leaders, coordinators, requests seen) for assertions.
 */
import { ApiKey, errorCodeName } from '@samsa/protocol';
import type { Cluster } from '../cluster/cluster.js';
import type { FaultInjector } from './faults.js';

export type ApiName = keyof typeof ApiKey;

/** An API by key number or by name ('Produce', 'Fetch', ...). */
export type ApiSelector = number | ApiName;

export interface RequestRecord {
  nodeId: number;
  apiKey: number;
  api: string;
  apiVersion: number;
  clientId: string | null;
  correlationId: number;
}

export interface BrokerControl {
  /** Answers the next `count` requests of `api` with `errorCode` (every partition/group in them). */
  failNextRequests(api: ApiSelector, count: number, errorCode: number, options?: { brokerId?: number }): void;
  /** Delays responses by `ms`: of one API or all, on one broker or all, for `count` requests or until cleared. */
  addLatency(ms: number, options?: { api?: ApiSelector; brokerId?: number; count?: number }): void;
  /** Closes the connection that sends the next `count` requests of `api` (default 1). */
  dropConnectionOnNext(api: ApiSelector, options?: { brokerId?: number; count?: number }): void;
  /**
   * Handles the next `count` requests of `api` (default 1), then closes their connection instead of
   * answering: the response is lost on the way, so the client cannot tell whether the request took
   * effect (a produce retried after this must not be appended twice).
   */
  dropResponseOnNext(api: ApiSelector, options?: { brokerId?: number; count?: number }): void;
  /**
   * Swallows the next `count` requests of `api` (default 1): never handled, never answered, as if
   * lost on the way (a dropped heartbeat: the coordinator does not see it, the client times out).
   */
  dropNextRequests(api: ApiSelector, options?: { brokerId?: number; count?: number }): void;
  /** Drops every open client connection now (of one broker or all); returns how many. */
  dropConnections(options?: { brokerId?: number }): number;
  /** Removes every fault rule. */
  clearFaults(): void;
  /** Stops a broker: its partitions get new leaders, its connections drop, its port stops accepting. */
  stopBroker(brokerId: number): Promise<void>;
  /** Starts a stopped broker on its old port; it rejoins the ISRs and takes back preferred leaderships. */
  startBroker(brokerId: number): Promise<void>;
  /** Makes `brokerId` the leader of a partition (clients get NOT_LEADER_OR_FOLLOWER, then find it). */
  movePartitionLeader(topic: string, partition: number, brokerId: number): void;
  /** Current leader node id of a partition (-1 if none). */
  leaderOf(topic: string, partition: number): number;
  /** Node id coordinating a group or a transactional id. */
  coordinatorOf(groupId: string): number;
  /**
   * Moves a group's (or transactional id's) coordinator to `brokerId`, as when its
   * __consumer_offsets partition changes leader: the old one answers NOT_COORDINATOR, parked
   * JoinGroup/SyncGroup requests included, and clients find the new one. The group's state moves with it.
   */
  moveCoordinator(groupId: string, brokerId: number): void;
  /** Runs retention, compaction and committed-offset expiry now instead of waiting for the next cleanup tick. */
  runLogCleanup(): void;
  /** Incremental fetch sessions (KIP-227) the broker holds, or all brokers together. */
  fetchSessionCount(options?: { brokerId?: number }): number;
  /** Drops the fetch sessions of one broker or all, as eviction would; returns how many. Their clients get FETCH_SESSION_ID_NOT_FOUND. */
  evictFetchSessions(options?: { brokerId?: number }): number;
  /** Starts recording request headers (api, version, client) for assertions. */
  recordRequests(enabled?: boolean): void;
  /** The requests recorded since recordRequests() (bounded to the last 10,000). */
  requests(): RequestRecord[];
}

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key as number, name]));
const MAX_RECORDED = 10_000;

export function apiKeyOf(api: ApiSelector): number {
  if (typeof api === 'number') return api;
  const key = (ApiKey as Record<string, number>)[api];
  if (key === undefined)
    throw new TypeError(`Unknown API '${api}'; use a name like 'Produce' or an API key number.`);
  return key;
}

export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `api-${apiKey}`;
}

export interface ControlHost {
  cluster(): Cluster;
  faults: FaultInjector;
  stopNode(id: number): Promise<void>;
  startNode(id: number): Promise<void>;
  dropConnections(id?: number): number;
  log(message: string): void;
}

export class Control implements BrokerControl {
  private recording = false;
  private recorded: RequestRecord[] = [];

  constructor(private readonly host: ControlHost) {}

  failNextRequests(
    api: ApiSelector,
    count: number,
    errorCode: number,
    options: { brokerId?: number } = {},
  ): void {
    const apiKey = apiKeyOf(api);
    this.host.faults.add({ apiKey, nodeId: options.brokerId, remaining: count, errorCode });
    this.host.log(
      `control: next ${count} ${apiName(apiKey)} request(s) fail with ${errorCodeName(errorCode)}`,
    );
  }

  addLatency(ms: number, options: { api?: ApiSelector; brokerId?: number; count?: number } = {}): void {
    const apiKey = options.api === undefined ? undefined : apiKeyOf(options.api);
    this.host.faults.add({
      apiKey,
      nodeId: options.brokerId,
      remaining: options.count ?? Infinity,
      latencyMs: ms,
    });
  }

  dropConnectionOnNext(api: ApiSelector, options: { brokerId?: number; count?: number } = {}): void {
    this.host.faults.add({
      apiKey: apiKeyOf(api),
      nodeId: options.brokerId,
      remaining: options.count ?? 1,
      dropConnection: true,
    });
  }

  dropResponseOnNext(api: ApiSelector, options: { brokerId?: number; count?: number } = {}): void {
    const apiKey = apiKeyOf(api);
    this.host.faults.add({
      apiKey,
      nodeId: options.brokerId,
      remaining: options.count ?? 1,
      dropResponse: true,
    });
    this.host.log(`control: the next ${options.count ?? 1} ${apiName(apiKey)} response(s) are lost`);
  }

  dropNextRequests(api: ApiSelector, options: { brokerId?: number; count?: number } = {}): void {
    const apiKey = apiKeyOf(api);
    this.host.faults.add({ apiKey, nodeId: options.brokerId, remaining: options.count ?? 1, ignore: true });
    this.host.log(`control: next ${options.count ?? 1} ${apiName(apiKey)} request(s) are swallowed`);
  }

  dropConnections(options: { brokerId?: number } = {}): number {
    return this.host.dropConnections(options.brokerId);
  }

  clearFaults(): void {
    this.host.faults.clear();
  }

  stopBroker(brokerId: number): Promise<void> {
    return this.host.stopNode(brokerId);
  }

  startBroker(brokerId: number): Promise<void> {
    return this.host.startNode(brokerId);
  }

  movePartitionLeader(topic: string, partition: number, brokerId: number): void {
    this.host.cluster().moveLeader(topic, partition, brokerId);
  }

  leaderOf(topic: string, partition: number): number {
    return this.host.cluster().partition(topic, partition)?.leader ?? -1;
  }

  coordinatorOf(groupId: string): number {
    return this.host.cluster().coordinatorFor(groupId)?.id ?? -1;
  }

  moveCoordinator(groupId: string, brokerId: number): void {
    this.host.cluster().moveCoordinator(groupId, brokerId);
    this.host.log(`control: coordinator of ${groupId} moves to broker ${brokerId}`);
  }

  runLogCleanup(): void {
    this.host.cluster().runLogCleanup();
  }

  fetchSessionCount(options: { brokerId?: number } = {}): number {
    const cluster = this.host.cluster();
    const ids = options.brokerId === undefined ? cluster.nodes.map((n) => n.id) : [options.brokerId];
    let count = 0;
    for (const id of ids) count += cluster.fetchSessions.forNode(id).size;
    return count;
  }

  evictFetchSessions(options: { brokerId?: number } = {}): number {
    const cluster = this.host.cluster();
    const ids = options.brokerId === undefined ? cluster.nodes.map((n) => n.id) : [options.brokerId];
    let count = 0;
    for (const id of ids) {
      const cache = cluster.fetchSessions.forNode(id);
      count += cache.size;
      cache.clear();
    }
    if (count > 0) this.host.log(`fault: evicted ${count} fetch session(s)`);
    return count;
  }

  recordRequests(enabled = true): void {
    this.recording = enabled;
    if (enabled) this.recorded = [];
  }

  requests(): RequestRecord[] {
    return [...this.recorded];
  }

  /** Called for every request header the brokers decode. */
  observe(event: {
    nodeId: number;
    apiKey: number;
    apiVersion: number;
    clientId: string | null;
    correlationId: number;
  }): void {
    if (!this.recording) return;
    this.recorded.push({ ...event, api: apiName(event.apiKey) });
    if (this.recorded.length > MAX_RECORDED) this.recorded.splice(0, this.recorded.length - MAX_RECORDED);
  }
}
