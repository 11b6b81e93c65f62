/**
 * Topics and their records: GET/POST /api/topics, GET/DELETE /api/topics/:topic, GET/POST
 * /api/topics/:topic/messages, GET /api/topics/:topic/tail (server-sent events).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BrowseFrom, BrowseQuery } from '../../api/types.js';
import { ApiError, toApiError } from '../errors.js';
import { MAX_BROWSE_LIMIT } from '../operations/browse.js';
import type { ConsoleOperations } from '../operations/index.js';
import { intQuery, readJson, stringQuery, z } from '../request-input.js';

const createTopicBody = z.strictObject({
  name: z.string().min(1, 'a topic needs a name'),
  partitions: z.number().int().min(1).max(100_000).optional(),
  replicationFactor: z.number().int().min(1).max(32_767).optional(),
  configs: z.record(z.string().min(1), z.string()).optional(),
});

const produceBody = z.strictObject({
  key: z.string().nullable().optional(),
  value: z.string().nullable(),
  format: z.enum(['string', 'json', 'avro']),
  headers: z
    .array(z.strictObject({ key: z.string().min(1), value: z.string() }))
    .max(100)
    .optional(),
  partition: z.number().int().min(0).optional(),
  subject: z.string().min(1).optional(),
});

const FROM: readonly BrowseFrom[] = ['beginning', 'end', 'offset', 'timestamp'];
/** How long the tail waits for records before sending an empty batch (which also tells the page it is alive). */
const TAIL_WAIT_MS = 1000;
/** Least time between two batches: coalesces a trickle of records into fewer, larger events. */
const TAIL_MIN_INTERVAL_MS = 100;

export function topicRoutes(ops: ConsoleOperations): Hono {
  return new Hono()
    .get('/', async (c) => c.json({ topics: await ops.listTopics(c.req.raw.signal) }))
    .post('/', async (c) => {
      const body = await readJson(c, createTopicBody);
      await ops.createTopic(body, c.req.raw.signal);
      return c.json({ name: body.name }, 201);
    })
    .get('/:topic', async (c) => c.json(await ops.describeTopic(c.req.param('topic'), c.req.raw.signal)))
    .delete('/:topic', async (c) => {
      await ops.deleteTopic(c.req.param('topic'), c.req.raw.signal);
      return c.body(null, 204);
    })
    .get('/:topic/messages', async (c) => {
      const query = browseQuery(c.req.query('from'), {
        offset: stringQuery(c, 'offset'),
        timestamp: intQuery(c, 'timestamp', { min: 0 }),
        partition: intQuery(c, 'partition', { min: 0 }),
        limit: intQuery(c, 'limit', { min: 1, max: MAX_BROWSE_LIMIT }),
        ...filterQuery(c),
      });
      return c.json(await ops.browseMessages(c.req.param('topic'), query, c.req.raw.signal));
    })
    .post('/:topic/messages', async (c) => {
      const body = await readJson(c, produceBody);
      return c.json(await ops.produce(c.req.param('topic'), body, c.req.raw.signal), 201);
    })
    .get('/:topic/tail', async (c) => {
      const topic = c.req.param('topic');
      // Started before the stream, so a bad topic or filter is an ordinary JSON error answer.
      const session = await ops.tail(
        topic,
        { partition: intQuery(c, 'partition', { min: 0 }), ...filterQuery(c) },
        c.req.raw.signal,
      );
      // The page may be gone before the stream starts; the session must not outlive it either way.
      c.req.raw.signal.addEventListener('abort', () => void session.close(), { once: true });
      if (c.req.raw.signal.aborted) await session.close();
      return streamSSE(c, async (stream) => {
        stream.onAbort(() => session.close());
        try {
          for (;;) {
            const batch = await session.next(TAIL_WAIT_MS);
            if (batch === null || stream.aborted) break;
            // Awaiting the write is the backpressure: while the page is slow, the session's buffer drops the oldest.
            await stream.writeSSE({ event: 'records', data: JSON.stringify(batch) });
            await stream.sleep(TAIL_MIN_INTERVAL_MS);
          }
        } catch (error) {
          if (!stream.aborted) {
            await stream.writeSSE({ event: 'failure', data: JSON.stringify(toApiError(error).body().error) });
          }
        } finally {
          await session.close();
        }
      });
    });
}

function browseQuery(from: string | undefined, rest: Omit<BrowseQuery, 'from'>): BrowseQuery {
  const value = (from ?? 'beginning') as BrowseFrom;
  if (!FROM.includes(value)) {
    throw new ApiError(400, 'INVALID_REQUEST', `from must be one of ${FROM.join(', ')}, not "${from}"`);
  }
  return { from: value, ...rest };
}

function filterQuery(c: Parameters<typeof stringQuery>[0]) {
  return {
    key: stringQuery(c, 'key'),
    value: stringQuery(c, 'value'),
    jsonPath: stringQuery(c, 'jsonPath'),
    jsonValue: stringQuery(c, 'jsonValue'),
  };
}
