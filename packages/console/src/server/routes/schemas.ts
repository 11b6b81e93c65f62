/**
 * Schemas: GET /api/schemas, GET /api/schemas/:subject, POST /api/schemas/:subject/versions (register),
 * POST /api/schemas/:subject/check (no write), PUT /api/schemas/:subject/compatibility.
 */
import { Hono } from 'hono';
import type { ConsoleOperations } from '../operations/index.js';
import { readJson, z } from '../request-input.js';

const schemaBody = z.strictObject({ schema: z.string().min(1, 'paste a schema') });
const levelBody = z.strictObject({ level: z.string().min(1) });

export function schemaRoutes(ops: ConsoleOperations): Hono {
  return new Hono()
    .get('/', async (c) => c.json({ subjects: await ops.listSubjects() }))
    .get('/:subject', async (c) =>
      c.json(await ops.describeSubject(c.req.param('subject'), c.req.raw.signal)),
    )
    .post('/:subject/versions', async (c) => {
      const { schema } = await readJson(c, schemaBody);
      return c.json(await ops.registerSchema(c.req.param('subject'), schema), 201);
    })
    .post('/:subject/check', async (c) => {
      const { schema } = await readJson(c, schemaBody);
      return c.json(await ops.checkSchema(c.req.param('subject'), schema));
    })
    .put('/:subject/compatibility', async (c) => {
      const { level } = await readJson(c, levelBody);
      return c.json({ level: await ops.setCompatibility(c.req.param('subject'), level) });
    });
}
