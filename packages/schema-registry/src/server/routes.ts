import { SCHEMA_TYPES } from './formats/formats.js';
import type { Registry } from './registry/registry.js';
import {
  compatibilityUpdate,
  flag,
  modeUpdate,
  page,
  registration,
  schemaId,
  schemaSubmission,
  text,
  versionId,
} from './request-input.js';
import { compatibilityResponse, schemaByIdResponse, schemaResponse } from './responses.js';

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
  /** The path template (`/subjects/:subject/versions`), for metrics and traces. */
  path: string;
  /** Path segments; `:x` matches any one segment (already percent-decoded). */
  pattern: string[];
  /** Writes run only on the leader; a follower forwards them. */
  write: boolean;
  handle(registry: Registry, context: RouteContext): RouteResult | Promise<RouteResult>;
}

const route = (method: Route['method'], path: string, write: boolean, handle: Route['handle']): Route => ({
  method,
  path,
  pattern: path.split('/').filter(Boolean),
  write,
  handle,
});

const ok = (body: unknown): RouteResult => ({ body });

/**
 * The Confluent Schema Registry REST API (the subset Avro uses), as routes over a Registry: each converts the
 * request into the registry's typed input (request-input.ts) and its answer into Confluent's JSON (responses.ts).
 */
export const routes: Route[] = [
  route('GET', '/', false, () => ok({})),
  route('GET', '/v1/metadata/id', false, () =>
    ok({ scope: { path: [], clusters: { 'schema-registry-cluster': 'samsa-schema-registry' } } }),
  ),
  route('GET', '/v1/metadata/version', false, () => ok({ version: '7.9.0-samsa', commitId: 'samsa' })),
  route('GET', '/contexts', false, () => ok(['.'])),
  route('DELETE', '/contexts/:context', true, (registry, { params }) => {
    registry.subjects.deleteContext(params[0]!);
    return ok(null);
  }),

  // Subjects and versions.
  route('GET', '/subjects', false, (registry, { query }) =>
    ok(
      page(
        registry.subjects.list({
          prefix: text(query, 'subjectPrefix'),
          deleted: flag(query, 'deleted'),
          deletedOnly: flag(query, 'deletedOnly'),
        }),
        query,
      ),
    ),
  ),
  route('POST', '/subjects/:subject', false, (registry, { params, query, body }) =>
    ok(
      schemaResponse(
        registry.schemas.find(params[0]!, schemaSubmission(body), {
          normalize: flag(query, 'normalize'),
          deleted: flag(query, 'deleted'),
        }),
      ),
    ),
  ),
  route('DELETE', '/subjects/:subject', true, async (registry, { params, query }) =>
    ok(await registry.subjects.deleteSubject(params[0]!, { permanent: flag(query, 'permanent') })),
  ),
  route('GET', '/subjects/:subject/versions', false, (registry, { params, query }) =>
    ok(
      page(
        registry.subjects.versions(params[0]!, {
          deleted: flag(query, 'deleted'),
          deletedOnly: flag(query, 'deletedOnly'),
          deletedAsNegative: flag(query, 'deletedAsNegative'),
        }),
        query,
      ),
    ),
  ),
  route('POST', '/subjects/:subject/versions', true, async (registry, { params, query, body }) => {
    const id = await registry.registrar.register(params[0]!, registration(body), {
      normalize: flag(query, 'normalize'),
      force: flag(query, 'force'),
    });
    return ok({ id });
  }),
  route('GET', '/subjects/:subject/versions/:version', false, (registry, { params, query }) =>
    ok(
      schemaResponse(
        registry.subjects.version(params[0]!, versionId(params[1]!), { deleted: flag(query, 'deleted') }),
      ),
    ),
  ),
  route('GET', '/subjects/:subject/versions/:version/schema', false, (registry, { params, query }) => ({
    // The raw schema text, unescaped, as Confluent returns it.
    body: {
      raw: registry.subjects.version(params[0]!, versionId(params[1]!), { deleted: flag(query, 'deleted') })
        .schema,
    },
  })),
  route('GET', '/subjects/:subject/versions/:version/referencedby', false, (registry, { params, query }) =>
    ok(
      page(
        registry.schemas.referencedBy(params[0]!, versionId(params[1]!), { deleted: flag(query, 'deleted') }),
        query,
      ),
    ),
  ),
  route('DELETE', '/subjects/:subject/versions/:version', true, async (registry, { params, query }) => {
    const version = versionId(params[1]!);
    return ok(
      await registry.subjects.deleteVersion(params[0]!, version, { permanent: flag(query, 'permanent') }),
    );
  }),

  // Schemas by id.
  route('GET', '/schemas', false, (registry, { query }) =>
    ok(
      page(
        registry.schemas
          .list({
            prefix: text(query, 'subjectPrefix'),
            deleted: flag(query, 'deleted'),
            latestOnly: flag(query, 'latestOnly'),
          })
          .map(schemaResponse),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/types', false, () => ok(SCHEMA_TYPES)),
  route('GET', '/schemas/ids/:id', false, (registry, { params, query }) => {
    const stored = registry.schemas.byId(schemaId(params[0]!));
    return ok(schemaByIdResponse(stored, flag(query, 'fetchMaxId') ? registry.schemas.maxId() : undefined));
  }),
  route('GET', '/schemas/ids/:id/schema', false, (registry, { params }) => ({
    body: { raw: registry.schemas.byId(schemaId(params[0]!)).schema },
  })),
  route('GET', '/schemas/ids/:id/subjects', false, (registry, { params, query }) =>
    ok(
      page(
        registry.schemas.subjectsOf(schemaId(params[0]!), {
          deleted: flag(query, 'deleted'),
          subject: text(query, 'subject'),
        }),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/ids/:id/versions', false, (registry, { params, query }) =>
    ok(
      page(
        registry.schemas.versionsOf(schemaId(params[0]!), {
          deleted: flag(query, 'deleted'),
          subject: text(query, 'subject'),
        }),
        query,
      ),
    ),
  ),

  // Compatibility tests.
  route(
    'POST',
    '/compatibility/subjects/:subject/versions/:version',
    false,
    (registry, { params, query, body }) => {
      const version = versionId(params[1]!);
      const verdict = registry.compatibility.test(params[0]!, version, schemaSubmission(body));
      return ok(compatibilityResponse(verdict, flag(query, 'verbose')));
    },
  ),
  route('POST', '/compatibility/subjects/:subject/versions', false, (registry, { params, query, body }) => {
    const verdict = registry.compatibility.test(params[0]!, 'all', schemaSubmission(body));
    return ok(compatibilityResponse(verdict, flag(query, 'verbose')));
  }),

  // Config: GET answers `compatibilityLevel`, PUT takes and echoes `compatibility` (Confluent's quirk).
  route('GET', '/config', false, (registry) =>
    ok({ compatibilityLevel: registry.config.compatibility(null) }),
  ),
  route('PUT', '/config', true, async (registry, { body }) =>
    ok({ compatibility: await registry.config.setCompatibility(null, compatibilityUpdate(body)) }),
  ),
  route('DELETE', '/config', true, async (registry) =>
    ok({ compatibilityLevel: await registry.config.deleteCompatibility(null) }),
  ),
  route('GET', '/config/:subject', false, (registry, { params, query }) =>
    ok({
      compatibilityLevel: registry.config.compatibility(params[0]!, {
        defaultToGlobal: flag(query, 'defaultToGlobal'),
      }),
    }),
  ),
  route('PUT', '/config/:subject', true, async (registry, { params, body }) =>
    ok({ compatibility: await registry.config.setCompatibility(params[0]!, compatibilityUpdate(body)) }),
  ),
  route('DELETE', '/config/:subject', true, async (registry, { params }) =>
    ok({ compatibilityLevel: await registry.config.deleteCompatibility(params[0]!) }),
  ),

  // Mode.
  route('GET', '/mode', false, (registry) => ok({ mode: registry.config.mode(null) })),
  route('PUT', '/mode', true, async (registry, { query, body }) =>
    ok({ mode: await registry.config.setMode(null, modeUpdate(body), { force: flag(query, 'force') }) }),
  ),
  route('DELETE', '/mode', true, async (registry) => ok({ mode: await registry.config.deleteMode(null) })),
  route('GET', '/mode/:subject', false, (registry, { params, query }) =>
    ok({ mode: registry.config.mode(params[0]!, { defaultToGlobal: flag(query, 'defaultToGlobal') }) }),
  ),
  route('PUT', '/mode/:subject', true, async (registry, { params, query, body }) =>
    ok({
      mode: await registry.config.setMode(params[0]!, modeUpdate(body), { force: flag(query, 'force') }),
    }),
  ),
  route('DELETE', '/mode/:subject', true, async (registry, { params }) =>
    ok({ mode: await registry.config.deleteMode(params[0]!) }),
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
