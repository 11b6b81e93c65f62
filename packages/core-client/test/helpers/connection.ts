/** A Connection to a test broker on 127.0.0.1 with short timeouts and no logging; overrides replace any field. */

import { nullLogger } from '../../src/logger.js';
import { Connection, type ConnectionConfig } from '../../src/network/connection.js';

export function testConnection(port: number, overrides: Partial<ConnectionConfig> = {}): Connection {
  return new Connection({
    host: '127.0.0.1',
    port,
    clientId: 'test',
    ssl: null,
    sasl: null,
    connectionTimeoutMs: 2000,
    requestTimeoutMs: 2000,
    maxResponseBytes: 1 << 20,
    logger: nullLogger,
    label: `test ${port}`,
    ...overrides,
  });
}
