import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { ConfigError, readConfig } from './config.js';
import { DemoLogger } from './demo-logger.js';
import { EventLog } from './event-log.js';
import { configureHttp } from './http/configure-http.js';
import { startInfrastructure } from './infrastructure.js';
import { portIsFree } from './port-check.js';
import { placeSampleOrders } from './sample-orders.js';
import { startTelemetry } from './telemetry/start-telemetry.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

const portInUse = (port: number, host: string) =>
  `demo-orders: port ${port} on ${host} is already in use. ` +
  `Stop whatever uses it, or pick another port: PORT=${port + 1} npm start\n`;

async function main(): Promise<void> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`demo-orders: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  if (!(await portIsFree(config.port, config.host))) {
    process.stderr.write(portInUse(config.port, config.host));
    process.exit(1);
  }
  // Before NestFactory loads Express, so its HTTP server is traced.
  const telemetry = startTelemetry(process.env, (text) => process.stdout.write(`\n${text}\n`));
  const infra = await startInfrastructure(config);
  let app: NestExpressApplication | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      out();
      out('stopping: consumers drain and commit, then HTTP and the rest close ...');
      try {
        await app?.close();
        await infra.stop();
        await telemetry.shutdown();
        out('stopped cleanly');
      } catch (error) {
        process.stderr.write(`demo-orders: shutdown failed: ${(error as Error).stack}\n`);
        code = 1;
      }
      process.exit(code);
    })();
    return stopping;
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({
      brokers: infra.brokers,
      schemaRegistryUrl: infra.schemaRegistryUrl,
      kafkaSecurity: config.kafkaSecurity,
    }),
    { logger: new DemoLogger({ logLevels: ['fatal', 'error', 'warn'] }) },
  );
  const log = app.get(EventLog);
  configureHttp(app, log);

  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(portInUse(config.port, config.host));
      await stop(1);
      return;
    }
    throw error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://${config.host}:${port}`;

  out();
  out('demo-orders is running');
  out(`  HTTP      ${base}   (POST /orders, GET /health, GET /metrics)`);
  out(
    `  Kafka     ${infra.brokers.join(',')}   ${infra.embeddedBroker ? '(embedded Samsa dev broker, in memory)' : '(KAFKA_BROKERS)'}`,
  );
  out(
    `  Registry  ${infra.schemaRegistryUrl}   ${infra.embeddedRegistry ? '(embedded Samsa registry, in memory)' : '(SCHEMA_REGISTRY_URL)'}`,
  );
  out(
    '  payments: exactly-once (transactional): each OrderCreated turns into one PaymentCompleted, committed in one ' +
      "Kafka transaction with the order's offset; consumers read read_committed",
  );
  if (infra.consoleUrl) {
    out(
      `  Console   ${infra.consoleUrl}   (Samsa Console: topics, messages, groups and their lag, schemas${infra.consoleNote ? `; ${infra.consoleNote}` : ''})`,
    );
  }
  out(`  Traces    ${telemetry.destination}`);
  out();
  out('Place an order:');
  out(
    `  curl -s -X POST ${base}/orders -H 'content-type: application/json' \\\n` +
      `       -d '{"customerId":"c-1","items":[{"sku":"book","quantity":1,"price":12.5}]}'`,
  );
  out('Press Ctrl-C to stop.');
  out();

  if (config.sampleOrders) await placeSampleOrders(base, log);
}

main().catch((error) => {
  process.stderr.write(`demo-orders failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
