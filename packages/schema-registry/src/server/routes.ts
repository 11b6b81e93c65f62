import type { Operation } from './auth/authorization-file.js';
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

/** What the caller may read, for routes that answer about several subjects (see `RouteAccess`). */
export interface ReadAccess {
  /** Whether the caller may read the subject (always, without authorization). */
  canRead(subject: string): boolean;
  /** Refuses (403) unless the caller may read at least one of the subjects holding a schema id. */
  requireAnyReadable(subjects: readonly string[], what: string): void;
}

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  access: ReadAccess;
}

export interface RouteResult {
  status?: number;
  body: unknown;
}

/**
 * What a caller needs for a route, beyond being authenticated, when an authorization file is in force (Karapace's
 * rules): `Read` or `Write` on `Subject:<the subject in the path>`, or on `Config:` for the global config and mode;
 * `filtered` routes answer about several subjects and keep to the readable ones (`RouteContext.access`).
 */
export type RouteAccess =
  | { resource: 'subject' | 'config'; operation: Operation }
  | { resource: 'none' }
  | { resource: 'filtered' };

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template (`/subjects/:subject/versions`), for metrics and traces. */
  path: string;
  /** Path segments; `:x` matches any one segment (already percent-decoded). */
  pattern: string[];
  /** Writes run only on the leader; a follower forwards them. */
  write: boolean;
  access: RouteAccess;
  handle(registry: Registry, context: RouteContext): RouteResult | Promise<RouteResult>;
}

const route = (
  method: Route['method'],
  path: string,
  write: boolean,
  access: RouteAccess,
  handle: Route['handle'],
): Route => ({ method, path, pattern: path.split('/').filter(Boolean), write, access, handle });

const AUTHENTICATED: RouteAccess = { resource: 'none' };
const FILTERED: RouteAccess = { resource: 'filtered' };
const SUBJECT_READ: RouteAccess = { resource: 'subject', operation: 'Read' };
const SUBJECT_WRITE: RouteAccess = { resource: 'subject', operation: 'Write' };
const CONFIG_READ: RouteAccess = { resource: 'config', operation: 'Read' };
const CONFIG_WRITE: RouteAccess = { resource: 'config', operation: 'Write' };

const ok = (body: unknown): RouteResult => ({ body });

/**
 * The Confluent Schema Registry REST API (the subset Avro uses), as routes over a Registry: each converts the
 * request into the registry's typed input (request-input.ts) and its answer into Confluent's JSON (responses.ts).
 */
export const routes: Route[] = [
  route('GET', '/', false, AUTHENTICATED, () => ok({})),
  route('GET', '/v1/metadata/id', false, AUTHENTICATED, () =>
    ok({ scope: { path: [], clusters: { 'schema-registry-cluster': 'samsa-schema-registry' } } }),
  ),
  route('GET', '/v1/metadata/version', false, AUTHENTICATED, () =>
    ok({ version: '7.9.0-samsa', commitId: 'samsa' }),
  ),
  route('GET', '/contexts', false, AUTHENTICATED, () => ok(['.'])),
  route('DELETE', '/contexts/:context', true, CONFIG_WRITE, (registry, { params }) => {
    registry.subjects.deleteContext(params[0]!);
    return ok(null);
  }),

  // Subjects and versions.
  route('GET', '/subjects', false, FILTERED, (registry, { query, access }) =>
    ok(
      page(
        registry.subjects
          .list({
            prefix: text(query, 'subjectPrefix'),
            deleted: flag(query, 'deleted'),
            deletedOnly: flag(query, 'deletedOnly'),
          })
          .filter((subject) => access.canRead(subject)),
        query,
      ),
    ),
  ),
  route('POST', '/subjects/:subject', false, SUBJECT_READ, (registry, { params, query, body }) =>
    ok(
      schemaResponse(
        registry.schemas.find(params[0]!, schemaSubmission(body), {
          normalize: flag(query, 'normalize'),
          deleted: flag(query, 'deleted'),
        }),
      ),
    ),
  ),
  route('DELETE', '/subjects/:subject', true, SUBJECT_WRITE, async (registry, { params, query }) =>
    ok(await registry.subjects.deleteSubject(params[0]!, { permanent: flag(query, 'permanent') })),
  ),
  route('GET', '/subjects/:subject/versions', false, SUBJECT_READ, (registry, { params, query }) =>
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
  route(
    'POST',
    '/subjects/:subject/versions',
    true,
    SUBJECT_WRITE,
    async (registry, { params, query, body }) => {
      const id = await registry.registrar.register(params[0]!, registration(body), {
        normalize: flag(query, 'normalize'),
        force: flag(query, 'force'),
      });
      return ok({ id });
    },
  ),
  route('GET', '/subjects/:subject/versions/:version', false, SUBJECT_READ, (registry, { params, query }) =>
    ok(
      schemaResponse(
        registry.subjects.version(params[0]!, versionId(params[1]!), { deleted: flag(query, 'deleted') }),
      ),
    ),
  ),
  route(
    'GET',
    '/subjects/:subject/versions/:version/schema',
    false,
    SUBJECT_READ,
    (registry, { params, query }) => ({
      // The raw schema text, unescaped, as Confluent returns it.
      body: {
        raw: registry.subjects.version(params[0]!, versionId(params[1]!), { deleted: flag(query, 'deleted') })
          .schema,
      },
    }),
  ),
  route(
    'GET',
    '/subjects/:subject/versions/:version/referencedby',
    false,
    SUBJECT_READ,
    (registry, { params, query }) =>
      ok(
        page(
          registry.schemas.referencedBy(params[0]!, versionId(params[1]!), {
            deleted: flag(query, 'deleted'),
          }),
          query,
        ),
      ),
  ),
  route(
    'DELETE',
    '/subjects/:subject/versions/:version',
    true,
    SUBJECT_WRITE,
    async (registry, { params, query }) => {
      const version = versionId(params[1]!);
      return ok(
        await registry.subjects.deleteVersion(params[0]!, version, { permanent: flag(query, 'permanent') }),
      );
    },
  ),

  // Schemas by id.
  route('GET', '/schemas', false, FILTERED, (registry, { query, access }) =>
    ok(
      page(
        registry.schemas
          .list({
            prefix: text(query, 'subjectPrefix'),
            deleted: flag(query, 'deleted'),
            latestOnly: flag(query, 'latestOnly'),
          })
          .filter((schema) => access.canRead(schema.subject))
          .map(schemaResponse),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/types', false, AUTHENTICATED, () => ok(SCHEMA_TYPES)),
  route('GET', '/schemas/ids/:id', false, FILTERED, (registry, { params, query, access }) => {
    const stored = readableSchema(registry, params[0]!, access);
    return ok(schemaByIdResponse(stored, flag(query, 'fetchMaxId') ? registry.schemas.maxId() : undefined));
  }),
  route('GET', '/schemas/ids/:id/schema', false, FILTERED, (registry, { params, access }) => ({
    body: { raw: readableSchema(registry, params[0]!, access).schema },
  })),
  route('GET', '/schemas/ids/:id/subjects', false, FILTERED, (registry, { params, query, access }) =>
    ok(
      page(
        registry.schemas
          .subjectsOf(schemaId(params[0]!), {
            deleted: flag(query, 'deleted'),
            subject: text(query, 'subject'),
          })
          .filter((subject) => access.canRead(subject)),
        query,
      ),
    ),
  ),
  route('GET', '/schemas/ids/:id/versions', false, FILTERED, (registry, { params, query, access }) =>
    ok(
      page(
        registry.schemas
          .versionsOf(schemaId(params[0]!), {
            deleted: flag(query, 'deleted'),
            subject: text(query, 'subject'),
          })
          .filter((version) => access.canRead(version.subject)),
        query,
      ),
    ),
  ),

  // Compatibility tests.
  route(
    'POST',
    '/compatibility/subjects/:subject/versions/:version',
    false,
    SUBJECT_READ,
    (registry, { params, query, body }) => {
      const version = versionId(params[1]!);
      const verdict = registry.compatibility.test(params[0]!, version, schemaSubmission(body));
      return ok(compatibilityResponse(verdict, flag(query, 'verbose')));
    },
  ),
  route(
    'POST',
    '/compatibility/subjects/:subject/versions',
    false,
    SUBJECT_READ,
    (registry, { params, query, body }) => {
      const verdict = registry.compatibility.test(params[0]!, 'all', schemaSubmission(body));
      return ok(compatibilityResponse(verdict, flag(query, 'verbose')));
    },
  ),

  // Config: GET answers `compatibilityLevel`, PUT takes and echoes `compatibility` (Confluent's quirk).
  route('GET', '/config', false, CONFIG_READ, (registry) =>
    ok({ compatibilityLevel: registry.config.compatibility(null) }),
  ),
  route('PUT', '/config', true, CONFIG_WRITE, async (registry, { body }) =>
    ok({ compatibility: await registry.config.setCompatibility(null, compatibilityUpdate(body)) }),
  ),
  route('DELETE', '/config', true, CONFIG_WRITE, async (registry) =>
    ok({ compatibilityLevel: await registry.config.deleteCompatibility(null) }),
  ),
  route('GET', '/config/:subject', false, SUBJECT_READ, (registry, { params, query }) =>
    ok({
      compatibilityLevel: registry.config.compatibility(params[0]!, {
        defaultToGlobal: flag(query, 'defaultToGlobal'),
      }),
    }),
  ),
  route('PUT', '/config/:subject', true, SUBJECT_WRITE, async (registry, { params, body }) =>
    ok({ compatibility: await registry.config.setCompatibility(params[0]!, compatibilityUpdate(body)) }),
  ),
  route('DELETE', '/config/:subject', true, SUBJECT_WRITE, async (registry, { params }) =>
    ok({ compatibilityLevel: await registry.config.deleteCompatibility(params[0]!) }),
  ),

  // Mode.
  route('GET', '/mode', false, CONFIG_READ, (registry) => ok({ mode: registry.config.mode(null) })),
  route('PUT', '/mode', true, CONFIG_WRITE, async (registry, { query, body }) =>
    ok({ mode: await registry.config.setMode(null, modeUpdate(body), { force: flag(query, 'force') }) }),
  ),
  route('DELETE', '/mode', true, CONFIG_WRITE, async (registry) =>
    ok({ mode: await registry.config.deleteMode(null) }),
  ),
  route('GET', '/mode/:subject', false, SUBJECT_READ, (registry, { params, query }) =>
    ok({ mode: registry.config.mode(params[0]!, { defaultToGlobal: flag(query, 'defaultToGlobal') }) }),
  ),
  route('PUT', '/mode/:subject', true, SUBJECT_WRITE, async (registry, { params, query, body }) =>
    ok({
      mode: await registry.config.setMode(params[0]!, modeUpdate(body), { force: flag(query, 'force') }),
    }),
  ),
  route('DELETE', '/mode/:subject', true, SUBJECT_WRITE, async (registry, { params }) =>
    ok({ mode: await registry.config.deleteMode(params[0]!) }),
  ),
];

/**
 * A schema by id, for a caller who may read at least one subject holding it (soft-deleted ones count: their ids
 * still decode data), as Karapace decides.
 */
function readableSchema(registry: Registry, id: string, access: ReadAccess) {
  const parsed = schemaId(id);
  const stored = registry.schemas.byId(parsed);
  access.requireAnyReadable(registry.schemas.subjectsOf(parsed, { deleted: true }), `schema ${parsed}`);
  return stored;
}

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
