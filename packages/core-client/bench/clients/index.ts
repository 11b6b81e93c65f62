import { kafkajs } from './kafkajs.js';
import { nodeRdkafka } from './node-rdkafka.js';
import { platformatic } from './platformatic.js';
import { samsa, samsaIdempotent } from './samsa.js';
import type { BenchClient } from './types.js';

/** Benchmarked clients; Samsa first (ratios are against it). */
export const clients: Record<string, BenchClient> = {
  samsa,
  'samsa-idempotent': samsaIdempotent,
  kafkajs,
  platformatic,
  'node-rdkafka': nodeRdkafka,
};
