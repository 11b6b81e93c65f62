/**
 * The consumer process's half of the latency benchmark, whatever client or framework delivers the
 * records: the handler passes each record's value to `handle()`, which takes the latency at once.
 *
 * Talks to the orchestrator (harness.ts) over stdio: prints `READY` when the first probe record
 * arrives (the consumer is assigned and fetching), reads `END <measured sent>` once the producer is
 * done, and prints `LATENCY_RESULT <json>` when every measured record arrived or `DRAIN_MS` passed.
 */
import { createInterface } from 'node:readline';
import { cpuWaitMs, type LatencySummary, RecordKind, readStamp, Samples, wallNow } from './record.js';

/** How long the consumer waits for missing records after the producer finished. */
const DRAIN_MS = 10_000;

export interface ConsumerResult {
  ok: boolean;
  /** Handler time minus scheduled send time: what the open loop's user sees (no coordinated omission). */
  fromScheduled?: LatencySummary;
  /** Handler time minus the moment send() was called. */
  fromCall?: LatencySummary;
  received?: number;
  expected?: number;
  /** Consumer CPU (user+sys) over the measured part, as % of one core. */
  cpuPct?: number;
  /** Share of the measured part the consumer's main thread was runnable but got no CPU (machine load). */
  cpuWaitPct?: number;
  error?: string;
}

export class LatencyConsumerSide {
  private readonly fromScheduled = new Samples();
  private readonly fromCall = new Samples();
  private ready = false;
  private expected = -1;
  private cpuAtReady: NodeJS.CpuUsage | null = null;
  private readyAt = 0;
  private waitAtReady = 0;
  private finish!: () => void;
  private readonly finished = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  /** Called by the handler for every record, as soon as it is delivered. */
  handle(value: Uint8Array | null | undefined): void {
    const now = wallNow();
    if (!value || value.length < 24) return;
    const stamp = readStamp(value);
    if (stamp.kind === RecordKind.Measured) {
      this.fromScheduled.add(now - stamp.scheduledAt);
      this.fromCall.add(now - stamp.calledAt);
      if (this.fromScheduled.count === this.expected) this.finish();
    } else if (stamp.kind === RecordKind.Probe && !this.ready) {
      this.ready = true;
      this.cpuAtReady = process.cpuUsage();
      this.readyAt = performance.now();
      this.waitAtReady = cpuWaitMs();
      process.stdout.write('READY\n');
    }
  }

  /** Waits for the orchestrator's END and the records it announces (or DRAIN_MS), then reports. */
  async result(): Promise<ConsumerResult> {
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
      const [word, count] = line.trim().split(' ');
      if (word !== 'END') continue;
      this.expected = Number(count);
      break;
    }
    lines.close();
    if (this.expected < 0) return { ok: false, error: 'stdin closed before END' };
    if (this.fromScheduled.count < this.expected) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.finished, new Promise((r) => (timer = setTimeout(r, DRAIN_MS)))]);
      clearTimeout(timer);
    }
    const cpu = process.cpuUsage(this.cpuAtReady ?? undefined);
    const elapsed = performance.now() - this.readyAt;
    return {
      ok: true,
      fromScheduled: this.fromScheduled.summary(),
      fromCall: this.fromCall.summary(),
      received: this.fromScheduled.count,
      expected: this.expected,
      cpuPct: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
      cpuWaitPct: ((cpuWaitMs() - this.waitAtReady) / elapsed) * 100,
    };
  }
}

/** Prints a consumer worker's result line. */
export function reportConsumerResult(result: ConsumerResult): void {
  process.stdout.write(`LATENCY_RESULT ${JSON.stringify(result)}\n`);
}
