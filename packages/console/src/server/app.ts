/**
 * The console's HTTP application (Hono): the JSON API under /api, and the built front end as static files, with
 * index.html for the page's own routes. Errors of any route become typed JSON answers; nothing a request carries
 * can take the server down.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ConsoleInfo } from '../api/types.js';
import { type BasicAuthUser, refuseWrites, requireBasicAuth } from './access.js';
import { ApiError, toApiError } from './errors.js';
import type { ConsoleOperations } from './operations/index.js';
import { clusterRoutes } from './routes/cluster.js';
import { groupRoutes } from './routes/groups.js';
import { schemaRoutes } from './routes/schemas.js';
import { topicRoutes } from './routes/topics.js';

export interface ConsoleAppOptions {
  info: ConsoleInfo;
  /** The built front end (index.html and assets/). */
  staticDir: string;
  basicAuth?: BasicAuthUser[];
  /** Largest request body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Where unexpected errors are reported (a bug, not a bad request). */
  onUnexpectedError?: (error: unknown) => void;
}

export function createConsoleApp(ops: ConsoleOperations, options: ConsoleAppOptions): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof HTTPException && !(error instanceof ApiError)) return error.getResponse();
    const answer = toApiError(error);
    if (answer.status === 500) options.onUnexpectedError?.(error);
    return c.json(answer.body(), answer.status);
  });
  if (options.basicAuth && options.basicAuth.length > 0) app.use('*', requireBasicAuth(options.basicAuth));
  const api = new Hono();
  api.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 1024 * 1024,
      onError: () => {
        throw new ApiError(
          413,
          'BODY_TOO_LARGE',
          `Request bodies are limited to ${options.maxBodyBytes ?? 1024 * 1024} bytes`,
        );
      },
    }),
  );
  if (options.info.readOnly) api.use('*', refuseWrites());
  api.route('/', clusterRoutes(ops, options.info));
  api.route('/topics', topicRoutes(ops));
  api.route('/groups', groupRoutes(ops));
  api.route('/schemas', schemaRoutes(ops));
  api.all('*', (c) => {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `No API route ${c.req.method} ${c.req.path}; see the README for the routes`,
    );
  });
  app.route('/api', api);
  mountFrontEnd(app, options.staticDir);
  return app;
}

function mountFrontEnd(app: Hono, root: string): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    app.get('*', (c) =>
      c.text(
        'The console front end is not built: run `npm run build` in packages/console (or at the root).',
        503,
      ),
    );
    return;
  }
  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => {
        // File names carry their content hash.
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('*', serveStatic({ root, onFound: (_path, c) => c.header('Cache-Control', 'no-cache') }));
  // The page's own routes (/topics/orders, /groups/payments, ...) all load index.html.
  app.get(
    '*',
    serveStatic({ root, path: 'index.html', onFound: (_path, c) => c.header('Cache-Control', 'no-cache') }),
  );
}
