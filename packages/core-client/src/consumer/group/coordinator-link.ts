/**
 * The link to a group's coordinator: looks it up (FindCoordinator, cached by the cluster), sends
 * requests over the 'group' connection so they never queue behind fetches, and forgets the
 * coordinator after connection trouble so the next request looks it up again.
 */
import type { RequestBodies, ResponseBodies } from '@samsa/protocol/on-demand';
import { ConnectionError, RequestTimeoutError } from '../../errors.js';
import type { ClusterLike } from '../cluster-like.js';

export class CoordinatorLink {
  constructor(
    private readonly cluster: ClusterLike,
    readonly groupId: string,
  ) {}

  coordinator(signal?: AbortSignal): Promise<number> {
    return this.cluster.findCoordinator(this.groupId, 'group', signal);
  }

  /** After a coordinator error or a broken connection: look the coordinator up again next time. */
  coordinatorFailed(): void {
    this.cluster.invalidateCoordinator(this.groupId, 'group');
  }

  async request<K extends keyof RequestBodies>(
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<{ version: number; response: ResponseBodies[K] }> {
    const node = await this.coordinator(options.signal);
    try {
      return await this.cluster.request(node, apiKey, build, { purpose: 'group', ...options });
    } catch (err) {
      if (err instanceof ConnectionError || err instanceof RequestTimeoutError) this.coordinatorFailed();
      throw err;
    }
  }
}
