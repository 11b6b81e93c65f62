import type { EachBatchPayload } from '../client/kafka-like.js';
import type { ShutdownGate } from './shutdown-gate.js';
import { sleepUnless } from './sleep.js';

/**
 * Waits `ms` before a record is delivered again, heartbeating meanwhile; false as soon as shutdown
 * began or the partition was lost (the record is left for later, or for its next owner).
 */
export function backOff(ms: number, gate: ShutdownGate, fetch: EachBatchPayload): Promise<boolean> {
  let lastBeat = Date.now();
  return sleepUnless(ms, () => {
    if (Date.now() - lastBeat > 1_000) {
      lastBeat = Date.now();
      fetch.heartbeat().catch(() => undefined);
    }
    return !gate.canStart(fetch);
  });
}
