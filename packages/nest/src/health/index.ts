/** `@samsa/nest/health`: a @nestjs/terminus indicator for brokers, consumer groups and lag. */
export type { ConsumerHealth, SamsaHealthReport } from '../consume/health-report.js';
export { type SamsaHealthCheckOptions, SamsaHealthIndicator } from './samsa-health.indicator.js';
