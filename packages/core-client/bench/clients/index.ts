import { baselineEntry } from '../baseline.js';
import { kafkajs, kafkajsTransactional } from './kafkajs.js';
import { nodeRdkafka } from './node-rdkafka.js';
import { platformatic } from './platformatic.js';
import {
  samsa,
  samsaBaseline,
  samsaBaselineIdempotent,
  samsaIdempotent,
  samsaTransactional,
} from './samsa.js';
import type { BenchClient } from './types.js';

/** Benchmarked clients; Samsa first (ratios are against it). */
export const clients: Record<string, BenchClient> = {
  samsa,
  'samsa-idempotent': samsaIdempotent,
  ...(baselineEntry()
    ? { 'samsa-baseline': samsaBaseline, 'samsa-baseline-idempotent': samsaBaselineIdempotent }
    : {}),
  kafkajs,
  platformatic,
  'node-rdkafka': nodeRdkafka,
  'samsa-txn': samsaTransactional,
  'kafkajs-txn': kafkajsTransactional,
};
