import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { KafkaMetrics } from './kafka-metrics.js';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(KafkaMetrics) private readonly metrics: KafkaMetrics) {}

  /** Prometheus text format: the Kafka clients' metrics and the process's. */
  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
