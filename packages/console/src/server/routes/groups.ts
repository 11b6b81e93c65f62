/** Consumer groups: GET /api/groups, GET /api/groups/:group, POST /api/groups/:group/offsets/reset. */
import { Hono } from 'hono';
import type { ConsoleOperations } from '../operations/index.js';
import { readJson, z } from '../request-input.js';

const offsetText = z.string().regex(/^\d+$/, 'an offset is a non-negative integer (as a string)');

const resetBody = z.strictObject({
  topics: z
    .array(
      z.strictObject({ topic: z.string().min(1), partitions: z.array(z.number().int().min(0)).optional() }),
    )
    .min(1)
    .optional(),
  strategy: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('earliest') }),
    z.strictObject({ type: z.literal('latest') }),
    z.strictObject({ type: z.literal('offset'), offset: offsetText }),
    z.strictObject({ type: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  ]),
  dryRun: z.boolean(),
});

export function groupRoutes(ops: ConsoleOperations): Hono {
  return new Hono()
    .get('/', async (c) => c.json({ groups: await ops.listGroups(c.req.raw.signal) }))
    .get('/:group', async (c) => c.json(await ops.describeGroup(c.req.param('group'), c.req.raw.signal)))
    .post('/:group/offsets/reset', async (c) => {
      const body = await readJson(c, resetBody);
      return c.json(await ops.resetOffsets(c.req.param('group'), body, c.req.raw.signal));
    });
}
