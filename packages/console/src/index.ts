/**
 * @samsa/console: a web console for Kafka (topics, messages, consumer groups and lag, schemas) with a typed JSON
 * API. `startConsoleServer({ brokers, registry, port })` serves both; `npx samsa-console` runs it from a shell.
 */
export type * from './api/types.js';
export type { BasicAuthUser } from './server/access.js';
export { type ConsoleServer, type ConsoleServerOptions, startConsoleServer } from './server/server.js';
