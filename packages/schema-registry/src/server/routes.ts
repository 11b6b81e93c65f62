import { COMPATIBILITY_LEVELS } from '../compatibility/levels.js';
import { Errors } from './errors.js';
import { parseVersionId, type RegisterRequest, type Registry } from './registry.js';

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface RouteResult {
  status?: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments; `:x` matches any one segment (already percent-decoded). */
  pattern: string[];
  /** Writes run only on the leader; a follower forwards them. */
  write: boolean;
  handle(registry: Registry, context: RouteContext): RouteResult | Promise<RouteResult>;
}

const flag = (query: URLSearchParams, name: string): boolean => query.get(name)?.toLowerCase() === 'true';

function schemaId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) throw Errors.schemaNotFound();
  return id;
}

/** Applies Confluent's `offset`/`limit` paging (limit -1 or absent = all). */
function page<T>(items: T[], query: URLSearchParams): T[] {
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const limitText = query.get('limit');
  const limit = limitText === null ? -1 : Number(limitText);
  const rest = items.slice(offset);
  return Number.isInteger(limit) && limit >= 0 ? rest.slice(0, limit) : rest;
}

const route = (method: Route['method'], path: string, write: boolean, handle: Route['handle']): Route => ({
  method,
  pattern: path.split('/').filter(Boolean),
  write,
  handle,
});

const ok = (body: unknown): RouteResult => ({ body });

/** The Confluent Schema Registry REST API (the subset Avro uses), as routes over a Registry. */
export const routes: Route[] = [
  route('GET', '/', false, () => ok({})),
  route('GET', '/v1/metadata/id', false, () =>
    ok({ scope: { path: [], clusters: { 'schema-registry-cluster': 'samsa-schema-registry' } } }),
  ),
  route('GET', '/v1/metadata/version', false, () => ok({ version: '7.9.0-samsa', commitId: 'samsa' })),
  route('GET', '/contexts', false, () => ok(['.'])),
  route('DELETE', '/contexts/:context', true, (registry, { params }) => {
    if (params[0] === '.' && registry.state.subjects.size > 0) throw Errors.contextNotEmpty(params[0]);
    return ok(null);
  }),

  // Subjects and versions.
  route('GET', '/subjects', false, (registry, { query }) =>
    ok(
      page(
        registry.listSubjects({
          prefix: query.get('subjectPrefix') ?? undefined,
          deleted: flag(query, 'deleted'),
          deletedOnly: flag(query, 'deletedOnly'),
        }),
        query,
      ),
    ),
  ),
  route('POST', '/subjects/:subject', false, (registry, { params, query, body }) =>
    ok(
      registry.lookup(params[0]!, body as RegisterRequest, {
        normalize: flag(query, 'normalize'),
        deleted: flag(query, 'deleted'),
      }),
    ),
  ),
  route('DELETE', '/subjects/:subject', true, async (registry, { params, query }) =>
    ok(await registry.deleteSubject(params[0]!, flag(query, 'permanent'))),
  ),
  route('GET', '/subjects/:subject/versions', false, (registry, { params, query }) =>
    ok(
      page(
        registry.listVersions(params[0]!, {
          deleted: flag(query, 'deleted'),
          deletedOnly: flag(query, 'deletedOnly'),
          deletedAsNegative: flag(query, 'deletedAsNegative'),
        }),
        query,
      ),
    ),
  ),
  route('POST', '/subjects/:subject/versions', true, async (registry, { params, query, body }) =>
    ok(
      await registry.register(params[0]!, body as RegisterRequest, {
        normalize: flag(query, 'normalize'),
        force: flag(query, 'force'),
      }),
    ),
  ),
  route('GET', '/subjects/:subject/versions/:version', false, (registry, { params, query }) =>
    ok(registry.getVersion(params[0]!, parseVersionId(params[1]!), flag(query, 'deleted'))),
  ),
  route('GET', '/subjects/:subject/versions/:version/schema', false, (registry, { params, query }) => ({
    // The raw schema text, unescaped, as Confluent returns it.
    body: { raw: registry.getVersion(params[0]!, parseVersionId(params[1]!), flag(query, 'deleted')).schema },
  })),
  route('GET', '/subjects/:subject/versions/:version/referencedby', false, (registry, { params, query }) =>
    ok(page(registry.referencedBy(params[0]!, parseVersionId(params[1]!), flag(query, 'deleted')), query)),
  ),
  route('DELETE', '/subjects/:subject/versions/:version', true, async (registry, { params, query }) => {
    const version = parseVersionId(params[1]!);
    return ok(await registry.deleteVersion(params[0]!, version, flag(query, 'permanent')));
  }),

  // Schemas by id.
  route('GET', '/schemas', false, (registry, { query }) =>
    ok(
      page(
        registry.listSchemas({
          prefix: query.get('subjectPrefix') ?? undefined,
          deleted: flag(query, 'deleted'),
          latestOnly: flag(query, 'latestOnly'),
        }),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/types', false, () => ok(['AVRO'])),
  route('GET', '/schemas/ids/:id', false, (registry, { params, query }) =>
    ok(registry.getSchemaById(schemaId(params[0]!), flag(query, 'fetchMaxId'))),
  ),
  route('GET', '/schemas/ids/:id/schema', false, (registry, { params }) => ({
    body: { raw: registry.getSchemaById(schemaId(params[0]!), false).schema },
  })),
  route('GET', '/schemas/ids/:id/subjects', false, (registry, { params, query }) =>
    ok(
      page(
        registry.subjectsOfId(
          schemaId(params[0]!),
          flag(query, 'deleted'),
          query.get('subject') ?? undefined,
        ),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/ids/:id/versions', false, (registry, { params, query }) =>
    ok(
      page(
        registry.versionsOfId(
          schemaId(params[0]!),
          flag(query, 'deleted'),
          query.get('subject') ?? undefined,
        ),
        query,
      ),
    ),
  ),

  // Compatibility tests.
  route(
    'POST',
    '/compatibility/subjects/:subject/versions/:version',
    false,
    (registry, { params, query, body }) =>
      ok(
        registry.testCompatibility(
          params[0]!,
          parseVersionId(params[1]!),
          body as RegisterRequest,
          flag(query, 'verbose'),
        ),
      ),
  ),
  route('POST', '/compatibility/subjects/:subject/versions', false, (registry, { params, query, body }) =>
    ok(registry.testCompatibility(params[0]!, 'all', body as RegisterRequest, flag(query, 'verbose'))),
  ),

  // Config: GET answers `compatibilityLevel`, PUT takes and echoes `compatibility` (Confluent's quirk).
  route('GET', '/config', false, (registry) => ok(registry.getConfig(null, true))),
  route('PUT', '/config', true, async (registry, { body }) => ok(await registry.setConfig(null, body))),
  route('DELETE', '/config', true, async (registry) => ok(await registry.deleteConfig(null))),
  route('GET', '/config/:subject', false, (registry, { params, query }) =>
    ok(registry.getConfig(params[0]!, flag(query, 'defaultToGlobal'))),
  ),
  route('PUT', '/config/:subject', true, async (registry, { params, body }) =>
    ok(await registry.setConfig(params[0]!, body)),
  ),
  route('DELETE', '/config/:subject', true, async (registry, { params }) =>
    ok(await registry.deleteConfig(params[0]!)),
  ),

  // Mode.
  route('GET', '/mode', false, (registry) => ok(registry.getMode(null, true))),
  route('PUT', '/mode', true, async (registry, { query, body }) =>
    ok(await registry.setMode(null, body, flag(query, 'force'))),
  ),
  route('DELETE', '/mode', true, async (registry) => ok(await registry.deleteMode(null))),
  route('GET', '/mode/:subject', false, (registry, { params, query }) =>
    ok(registry.getMode(params[0]!, flag(query, 'defaultToGlobal'))),
  ),
  route('PUT', '/mode/:subject', true, async (registry, { params, query, body }) =>
    ok(await registry.setMode(params[0]!, body, flag(query, 'force'))),
  ),
  route('DELETE', '/mode/:subject', true, async (registry, { params }) =>
    ok(await registry.deleteMode(params[0]!)),
  ),
];

/** Finds the route for a method and decoded path segments; distinguishes 404 (no path) from 405 (wrong method). */
export function matchRoute(
  method: string,
  segments: string[],
): { route: Route; params: string[] } | { error: 'not-found' | 'method-not-allowed' } {
  let pathMatched = false;
  for (const candidate of routes) {
    if (candidate.pattern.length !== segments.length) continue;
    const params: string[] = [];
    let matches = true;
    for (let i = 0; i < segments.length; i++) {
      const token = candidate.pattern[i]!;
      if (token.startsWith(':')) params.push(segments[i]!);
      else if (token !== segments[i]) {
        matches = false;
        break;
      }
    }
    if (!matches) continue;
    pathMatched = true;
    if (candidate.method === method) return { route: candidate, params };
  }
  return { error: pathMatched ? 'method-not-allowed' : 'not-found' };
}

export { COMPATIBILITY_LEVELS };
