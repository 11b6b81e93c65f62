/**
 * Classic-protocol heartbeats on their own timer (principle 4): however long a handler runs, the
 * member keeps its session. Only `maxPollIntervalMs` (enforced by the consumer) bounds a slow handler.
 */

import { FencedInstanceIdError } from '../../cluster/group-errors.js';
import { createKafkaError, ErrorCode, RequestAbortedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClassicGroupMembership } from './classic-group.js';
import type { MembershipEvent } from './membership.js';

/** The membership events are the classic heartbeat's vocabulary (GroupMember uses them too). */
export type HeartbeatEvent = MembershipEvent;

export class Heartbeater {
  private running = false;
  private loop: Promise<void> | null = null;
  private abort: AbortController | null = null;
  /** Date.now() of the last heartbeat the coordinator accepted. */
  lastSuccessMs = 0;

  constructor(
    private readonly membership: ClassicGroupMembership,
    private readonly intervalMs: number,
    private readonly retryBackoffMs: number,
    private readonly logger: Logger,
    private readonly onEvent: (event: HeartbeatEvent) => void,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.lastSuccessMs = Date.now();
    const signal = this.abort.signal;
    this.loop = this.run(signal).finally(() => {
      this.loop = null;
    });
  }

  /** Stops the loop; resolves once no heartbeat is in flight any more. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    this.abort = null;
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let delay = this.intervalMs;
    let failures = 0;
    while (this.running && !signal.aborted) {
      try {
        await wait(delay, signal);
      } catch {
        return;
      }
      if (!this.running || !this.membership.inGroup) return;
      let code: number;
      try {
        code = await this.membership.heartbeat(signal);
      } catch (err) {
        if (err instanceof RequestAbortedError || signal.aborted) return;
        failures++;
        this.logger.warn('heartbeat failed, retrying', {
          groupId: this.membership.groupId,
          error: (err as Error).message,
        });
        delay = Math.min(this.intervalMs, this.retryBackoffMs * 2 ** Math.min(failures, 6));
        continue;
      }
      if (!this.running) return;
      switch (code) {
        case ErrorCode.NONE:
          failures = 0;
          delay = this.intervalMs;
          this.lastSuccessMs = Date.now();
          this.onEvent({ type: 'heartbeat' });
          continue;
        case ErrorCode.REBALANCE_IN_PROGRESS:
          // Still a member: keep heartbeating until the consumer rejoins (it stops this loop then).
          this.lastSuccessMs = Date.now();
          delay = this.intervalMs;
          this.onEvent({ type: 'rebalance' });
          continue;
        case ErrorCode.UNKNOWN_MEMBER_ID:
        case ErrorCode.ILLEGAL_GENERATION:
          this.running = false;
          this.onEvent({ type: 'lost', errorCode: code });
          return;
        case ErrorCode.FENCED_INSTANCE_ID:
          this.running = false;
          this.onEvent({
            type: 'fatal',
            error: new FencedInstanceIdError(this.membership.groupId, this.membership.groupInstanceId ?? ''),
          });
          return;
        default: {
          failures++;
          const err = createKafkaError(code, { apiName: 'Heartbeat', groupId: this.membership.groupId });
          if (
            !err.retriable &&
            code !== ErrorCode.NOT_COORDINATOR &&
            code !== ErrorCode.COORDINATOR_NOT_AVAILABLE
          ) {
            this.running = false;
            this.onEvent({ type: 'fatal', error: err });
            return;
          }
          delay = Math.min(this.intervalMs, this.retryBackoffMs * 2 ** Math.min(failures, 6));
        }
      }
    }
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
