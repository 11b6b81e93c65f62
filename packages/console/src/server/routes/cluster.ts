/** GET /api/info, /api/health, /api/overview. */
import { Hono } from 'hono';
import type { ConsoleInfo } from '../../api/types.js';
import type { ConsoleOperations } from '../operations/index.js';

export function clusterRoutes(ops: ConsoleOperations, info: ConsoleInfo): Hono {
  return new Hono()
    .get('/info', (c) => c.json(info))
    .get('/health', async (c) => c.json(await ops.health()))
    .get('/overview', async (c) => c.json(await ops.overview(c.req.raw.signal)));
}
