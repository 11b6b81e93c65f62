import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SamsaHealthIndicator } from '@samsa/nest/health';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(SamsaHealthIndicator) private readonly samsa: SamsaHealthIndicator,
  ) {}

  /** Brokers reachable, every consumer running; degraded (still 200) above 10 000 records of lag. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.samsa.isHealthy('kafka', { maxLag: 10_000 })]);
  }
}
