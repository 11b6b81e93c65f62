/**
 * The producer process's half of the latency benchmark: an open loop. Record i is due at
 * t0 + i / rate and is sent when due, whether or not earlier sends were acknowledged (a closed loop
 * that waits for the previous send would hide a slow producer: coordinated omission). Each record
 * carries its scheduled time, so the consumer's latency includes any time the producer fell behind;
 * the achieved rate and the send lag (call time minus scheduled time) show it here too.
 *
 * Due records are sent from a timer that wakes at the next due time (Node's timers have 1 ms
 * granularity, so at 10,000 records/s about ten go per wake-up, each with its own scheduled time).
 */
import {
  cpuWaitMs,
  type LatencySummary,
  RecordKind,
  recordTemplate,
  stampRecord,
  summarize,
  wallNow,
} from './record.js';

export interface OpenLoopOptions {
  /** Records per second. */
  rate: number;
  /** Sent at the rate before the measured window; not counted by the consumer. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
}

export interface ProducerResult {
  ok: boolean;
  /** Measured records sent (send() called). */
  sent?: number;
  /** Measured records the producer did not get to before giving up (it fell too far behind). */
  unsent?: number;
  targetRate?: number;
  /** Measured records sent per second of the measured window, as the producer kept up. */
  achievedRate?: number;
  /** send() call time minus scheduled time, over the measured records. */
  sendLag?: LatencySummary;
  /** Acknowledgement time minus scheduled time, over the measured records: the producer's share. */
  ackLatency?: LatencySummary;
  /** Sends acknowledged and failed, warm-up included. */
  acked?: number;
  failed?: number;
  firstError?: string;
  /** Producer CPU (user+sys) over the loop, as % of one core. */
  cpuPct?: number;
  /** Share of the loop the producer's main thread was runnable but got no CPU (machine load). */
  cpuWaitPct?: number;
  error?: string;
}

/** A producer that falls this much behind its schedule (× the planned time) stops sending. */
const GIVE_UP_FACTOR = 1.5;
/** How long to wait for the last acknowledgements. */
const ACK_WAIT_MS = 10_000;

/** Runs the open loop with `send` (one record per call); resolves once every send settled or ACK_WAIT_MS. */
export async function runOpenLoop(
  o: OpenLoopOptions,
  send: (value: Buffer) => Promise<unknown>,
): Promise<ProducerResult> {
  const template = recordTemplate();
  const interval = 1000 / o.rate;
  const warmupCount = Math.round((o.rate * o.warmupMs) / 1000);
  const measuredCount = Math.round((o.rate * o.durationMs) / 1000);
  const total = warmupCount + measuredCount;
  const lag = new Float64Array(measuredCount);
  const ackLatency = new Float64Array(measuredCount);
  let measuredAcks = 0;
  let acked = 0;
  let failed = 0;
  let firstError: string | undefined;
  let allSettled: () => void = () => {};
  let i = 0;
  let lastCall = 0;
  const settledOne = () => {
    if (acked + failed === i && i > 0 && sendingDone) allSettled();
  };
  const onAck = () => {
    acked++;
    settledOne();
  };
  const onFail = (err: unknown) => {
    failed++;
    firstError ??= String((err as Error)?.message ?? err);
    settledOne();
  };
  let sendingDone = false;
  const cpu0 = process.cpuUsage();
  const wait0 = cpuWaitMs();
  const t0 = wallNow() + 5;
  const giveUpAt = t0 + (o.warmupMs + o.durationMs) * GIVE_UP_FACTOR;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((wallNow() - t0) / interval) + 1);
      while (i < due) {
        const scheduled = t0 + i * interval;
        const now = wallNow();
        if (now > giveUpAt) return resolve();
        const measured = i >= warmupCount;
        if (measured) lag[i - warmupCount] = now - scheduled;
        const value = stampRecord(
          template,
          scheduled,
          now,
          i,
          measured ? RecordKind.Measured : RecordKind.Warmup,
        );
        i++;
        lastCall = now;
        if (measured) {
          send(value).then(() => {
            ackLatency[measuredAcks++] = wallNow() - scheduled;
            onAck();
          }, onFail);
        } else send(value).then(onAck, onFail);
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - wallNow()));
    };
    setTimeout(tick, Math.max(0, t0 - wallNow()));
  });
  const cpu = process.cpuUsage(cpu0);
  const waitMs = cpuWaitMs() - wait0;
  const loopMs = wallNow() - t0;
  const sent = Math.max(0, i - warmupCount);
  sendingDone = true;
  if (acked + failed < i) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (allSettled = resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ACK_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }
  const measuredStart = t0 + warmupCount * interval;
  return {
    ok: true,
    sent,
    unsent: measuredCount - sent,
    targetRate: o.rate,
    achievedRate: sent > 0 ? (sent * 1000) / (lastCall - measuredStart + interval) : 0,
    sendLag: summarize(lag, sent),
    ackLatency: summarize(ackLatency, measuredAcks),
    acked,
    failed,
    firstError,
    cpuPct: ((cpu.user + cpu.system) / 1000 / loopMs) * 100,
    cpuWaitPct: (waitMs / loopMs) * 100,
  };
}
