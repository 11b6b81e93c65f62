import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { HealthIndicatorResult, HealthIndicatorStatus } from '@nestjs/terminus';
import type { AdminLike, KafkaLike } from '../client/kafka-like.js';
import { buildHealthReport, type SamsaHealthReport } from '../consume/health-report.js';
import { SamsaConsumers } from '../consume/samsa.consumers.js';
import type { ResolvedSamsaOptions } from '../module/samsa-module-options.js';
import { SAMSA_KAFKA, SAMSA_OPTIONS } from '../module/tokens.js';
import { SamsaProducer } from '../produce/samsa.producer.js';
import { consumerHealthMetrics, producerHealthMetrics } from './client-metrics.js';

export interface SamsaHealthCheckOptions {
  /** Report `degraded` (still HTTP 200) when the summed lag of all groups exceeds this many records. */
  maxLag?: number;
  /** Report `down` instead of `degraded` when `maxLag` is exceeded. Default false. */
  lagIsDown?: boolean;
  /** Give up on the brokers after this long. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Terminus indicator: `down` when the brokers do not answer or a consumer is not running (crashed,
 * stopped), `degraded` when lag exceeds `maxLag`; the details list each handler's group, state, lag
 * and counters.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.samsa.isHealthy('kafka', { maxLag: 10_000 })]); }
 * ```
 */
@Injectable()
export class SamsaHealthIndicator implements OnApplicationShutdown {
  private admin: Promise<AdminLike> | undefined;

  // Results are built as plain objects (what Terminus' HealthCheckService reads), not through
  // HealthIndicatorService, so a second copy of @nestjs/terminus in node_modules cannot break injection.
  constructor(
    @Inject(SAMSA_KAFKA) private readonly kafka: KafkaLike,
    @Inject(SamsaConsumers) private readonly consumers: SamsaConsumers,
    @Optional() @Inject(SAMSA_OPTIONS) private readonly options?: ResolvedSamsaOptions,
    @Optional() @Inject(SamsaProducer) private readonly producer?: SamsaProducer,
  ) {}

  /** The raw report, for your own endpoints or logs. */
  async report(timeoutMs = 5_000): Promise<SamsaHealthReport> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the brokers did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const report = await Promise.race([
        this.admin.then((admin) => buildHealthReport(admin, this.consumers.all())),
        timeout,
      ]);
      return this.options?.healthMetrics ? this.withMetrics(report) : report;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `healthMetrics`: each consumer's client metrics, and the producer's once it is connected. */
  private async withMetrics(report: SamsaHealthReport): Promise<SamsaHealthReport> {
    const byHandler = new Map(this.consumers.all().map((c) => [c.spec.id, c]));
    const consumers = report.consumers.map((entry) => {
      const metrics = consumerHealthMetrics(byHandler.get(entry.handler)?.consumer);
      return metrics === undefined ? entry : { ...entry, metrics };
    });
    const producer = this.producer?.isConnected()
      ? producerHealthMetrics(await this.producer.connected())
      : undefined;
    return { ...report, consumers, ...(producer !== undefined && { producer }) };
  }

  async isHealthy<const Key extends string = 'kafka'>(
    key: Key = 'kafka' as Key,
    options: SamsaHealthCheckOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const result = (status: HealthIndicatorStatus, data: Record<string, unknown>) =>
      ({ [key]: { ...data, status } }) as HealthIndicatorResult<Key>;
    let report: SamsaHealthReport;
    try {
      report = await this.report(options.timeoutMs);
    } catch (error) {
      return result('down', { message: (error as Error).message, brokersReachable: false });
    }
    const details = { ...report } as unknown as Record<string, unknown>;
    if (!report.healthy) return result('down', details);
    if (options.maxLag !== undefined && report.totalLag > options.maxLag) {
      const message = `lag ${report.totalLag} exceeds ${options.maxLag}`;
      return result(options.lagIsDown ? 'down' : 'degraded', { ...details, message });
    }
    return result('up', details);
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    this.admin = undefined;
    await admin?.disconnect();
  }
}
