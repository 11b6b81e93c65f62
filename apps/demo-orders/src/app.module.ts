import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SamsaModule } from '@samsa/nest';
import { SamsaHealthIndicator } from '@samsa/nest/health';
import type { KafkaSecurity } from './config.js';
import { DeadLetterMonitor } from './dead-letters/dead-letter.handler.js';
import { EventLog } from './event-log.js';
import { HealthController } from './health/health.controller.js';
import { KafkaMetrics } from './metrics/kafka-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { NotificationsHandler } from './notifications/notifications.handler.js';
import { NotificationsAudit } from './notifications/notifications-audit.handler.js';
import { OrdersController } from './orders/orders.controller.js';
import { OrdersService } from './orders/orders.service.js';
import { PaymentsHandler } from './payments/payments.handler.js';
import { CustomerNotifiedTopic, OrderCreatedTopic, PaymentCompletedTopic } from './topics.js';

export interface AppOptions {
  brokers: string[];
  schemaRegistryUrl: string;
  /** SASL and TLS settings of the Kafka client (core-client's `ssl`, `sasl`). */
  kafkaSecurity?: KafkaSecurity;
}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with static factories
export class AppModule {
  static register(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TerminusModule,
        SamsaModule.forRoot({
          brokers: options.brokers,
          clientId: 'demo-orders',
          ...(options.kafkaSecurity && { clientConfig: { ...options.kafkaSecurity } }),
          schemaRegistry: { url: options.schemaRegistryUrl },
          // Registered at start, so a schema the registry refuses stops the boot, not the first order.
          topics: [OrderCreatedTopic, PaymentCompletedTopic, CustomerNotifiedTopic],
          ensureTopics: { numPartitions: 3 },
          // Every handler reads only committed transactions: a payment attempt that failed is never seen.
          consumer: { isolationLevel: 'read_committed' },
          shutdownTimeoutMs: 10_000,
          // GET /health shows each client's metrics too (lag per partition, rates, latencies).
          healthMetrics: true,
        }),
      ],
      controllers: [OrdersController, HealthController, MetricsController],
      providers: [
        EventLog,
        OrdersService,
        PaymentsHandler,
        NotificationsHandler,
        NotificationsAudit,
        DeadLetterMonitor,
        SamsaHealthIndicator,
        KafkaMetrics,
      ],
    };
  }
}
