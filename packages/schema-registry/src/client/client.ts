import type { CompatibilityLevel } from '../compatibility/levels.js';
import { RegistryResponseError, SchemaRegistryError } from '../errors.js';
import type { Mode, SchemaReference } from '../server/records.js';

export interface SchemaRegistryClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  auth?: { username: string; password: string };
  /** Retries for network errors, 5xx (except 50001-50004 answers that are final) and 429. Default 3. */
  retries?: number;
  /** First backoff; doubles per retry, with jitter. Default 100 ms. */
  retryBackoffMs?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** For tests and custom transports; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The schema languages Confluent's registry serves. */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SchemaInput {
  schema: string | object;
  references?: SchemaReference[];
  /** Default AVRO (sent only when not Avro, as Confluent's clients do). */
  schemaType?: SchemaType;
}

/** A RegisterSchemaRequest body: `schemaType` only when not Avro, `references` only when any. */
function requestBody(input: SchemaInput): Record<string, unknown> {
  return {
    ...(input.schemaType && input.schemaType !== 'AVRO' ? { schemaType: input.schemaType } : {}),
    schema: schemaText(input.schema),
    ...(input.references?.length ? { references: input.references } : {}),
  };
}

function cacheKey(subject: string, input: SchemaInput, ...flags: unknown[]): string {
  return [
    subject,
    input.schemaType ?? 'AVRO',
    schemaText(input.schema),
    JSON.stringify(input.references ?? []),
    ...flags,
  ].join('\u0000');
}

export interface RegisteredSchema {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

/** Where a schema id is registered: one subject and version. */
export interface SubjectVersion {
  subject: string;
  version: number;
}

export interface SchemaById {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

function schemaText(schema: string | object): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}

const encode = encodeURIComponent;

/**
 * A typed client for the Confluent Schema Registry REST API (Samsa's registry, Confluent's, Karapace, Apicurio's
 * ccompat API). Ids are immutable, so id -> schema and (subject, schema) -> id lookups are cached forever.
 */
export class SchemaRegistryClient {
  private readonly idCache = new Map<number, Promise<SchemaById>>();
  private readonly registerCache = new Map<string, Promise<number>>();
  private readonly lookupCache = new Map<string, Promise<RegisteredSchema>>();
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: SchemaRegistryClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** The registry's base URL, without a trailing slash. */
  get url(): string {
    return this.baseUrl;
  }

  /** Sends one request, retrying transient failures. Returns the parsed JSON body (or text for raw endpoints). */
  async request<T>(method: string, path: string, body?: unknown, raw = false): Promise<T> {
    const retries = this.options.retries ?? 3;
    const backoff = this.options.retryBackoffMs ?? 100;
    const headers: Record<string, string> = { Accept: CONTENT_TYPE, ...this.options.headers };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.options.auth) {
      const token = Buffer.from(`${this.options.auth.username}:${this.options.auth.password}`).toString(
        'base64',
      );
      headers.Authorization = `Basic ${token}`;
    }
    const url = `${this.baseUrl}${path}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoff * 2 ** attempt * (0.5 + Math.random()));
          continue;
        }
        throw new SchemaRegistryError(
          `Could not reach the schema registry at ${url} after ${attempt + 1} attempts: ${(error as Error).message}; check the URL and that the registry is running`,
        );
      }
      const text = await response.text();
      if (response.ok) {
        if (raw) return text as T;
        return (text === '' ? undefined : JSON.parse(text)) as T;
      }
      let errorCode = response.status;
      let message = text || response.statusText;
      try {
        const parsed = JSON.parse(text) as { error_code?: number; message?: string };
        if (typeof parsed.error_code === 'number') errorCode = parsed.error_code;
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // Not a registry error body (a proxy's HTML page, say): keep the raw text.
      }
      const retriable =
        response.status === 429 ||
        response.status === 502 ||
        response.status === 503 ||
        response.status === 504 ||
        errorCode === 50002 ||
        errorCode === 50003 ||
        errorCode === 50004;
      if (retriable && attempt < retries) {
        await sleep(backoff * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      throw new RegistryResponseError(response.status, errorCode, message, url);
    }
  }

  /** Registers a schema under a subject (idempotent) and returns its id. Cached per (subject, schema). */
  register(subject: string, input: SchemaInput, options: { normalize?: boolean } = {}): Promise<number> {
    const key = cacheKey(subject, input, options.normalize);
    let cached = this.registerCache.get(key);
    if (!cached) {
      const query = options.normalize ? '?normalize=true' : '';
      cached = this.request<{ id: number }>(
        'POST',
        `/subjects/${encode(subject)}/versions${query}`,
        requestBody(input),
      ).then((response) => response.id);
      this.registerCache.set(key, cached);
      cached.catch(() => this.registerCache.delete(key));
    }
    return cached;
  }

  /** Finds the version of a subject that holds this schema (POST /subjects/{subject}). Cached. */
  lookup(
    subject: string,
    input: SchemaInput,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): Promise<RegisteredSchema> {
    const key = cacheKey(subject, input, options.normalize, options.deleted);
    let cached = this.lookupCache.get(key);
    if (!cached) {
      const params = new URLSearchParams();
      if (options.normalize) params.set('normalize', 'true');
      if (options.deleted) params.set('deleted', 'true');
      const query = params.size > 0 ? `?${params}` : '';
      cached = this.request<RegisteredSchema>(
        'POST',
        `/subjects/${encode(subject)}${query}`,
        requestBody(input),
      );
      this.lookupCache.set(key, cached);
      cached.catch(() => this.lookupCache.delete(key));
    }
    return cached;
  }

  /** The schema with this id. Cached forever (ids are immutable). */
  getSchemaById(id: number): Promise<SchemaById> {
    let cached = this.idCache.get(id);
    if (!cached) {
      cached = this.request<SchemaById>('GET', `/schemas/ids/${id}`);
      this.idCache.set(id, cached);
      cached.catch(() => this.idCache.delete(id));
    }
    return cached;
  }

  /** The subjects and versions a schema id is registered under (Confluent's `GET /schemas/ids/{id}/versions`). */
  getSubjectVersionsById(id: number): Promise<SubjectVersion[]> {
    return this.request('GET', `/schemas/ids/${id}/versions`);
  }

  getVersion(
    subject: string,
    version: number | 'latest',
    options: { deleted?: boolean } = {},
  ): Promise<RegisteredSchema> {
    const query = options.deleted ? '?deleted=true' : '';
    return this.request('GET', `/subjects/${encode(subject)}/versions/${version}${query}`);
  }

  getLatest(subject: string): Promise<RegisteredSchema> {
    return this.getVersion(subject, 'latest');
  }

  listVersions(subject: string, options: { deleted?: boolean } = {}): Promise<number[]> {
    return this.request(
      'GET',
      `/subjects/${encode(subject)}/versions${options.deleted ? '?deleted=true' : ''}`,
    );
  }

  /** Every live version of a subject, oldest first (what a transitive check needs). */
  async getAllVersions(subject: string): Promise<RegisteredSchema[]> {
    const versions = await this.listVersions(subject);
    return Promise.all(versions.map((version) => this.getVersion(subject, version)));
  }

  listSubjects(options: { prefix?: string; deleted?: boolean } = {}): Promise<string[]> {
    const params = new URLSearchParams();
    if (options.prefix) params.set('subjectPrefix', options.prefix);
    if (options.deleted) params.set('deleted', 'true');
    return this.request('GET', `/subjects${params.size > 0 ? `?${params}` : ''}`);
  }

  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    return this.request(
      'DELETE',
      `/subjects/${encode(subject)}${options.permanent ? '?permanent=true' : ''}`,
    );
  }

  deleteVersion(
    subject: string,
    version: number | 'latest',
    options: { permanent?: boolean } = {},
  ): Promise<number> {
    return this.request(
      'DELETE',
      `/subjects/${encode(subject)}/versions/${version}${options.permanent ? '?permanent=true' : ''}`,
    );
  }

  /** Asks the registry whether a schema is compatible with one version (or, with `version` omitted, all it checks). */
  testCompatibility(
    subject: string,
    input: SchemaInput,
    options: { version?: number | 'latest'; verbose?: boolean } = {},
  ): Promise<{ is_compatible: boolean; messages?: string[] }> {
    const path =
      options.version === undefined
        ? `/compatibility/subjects/${encode(subject)}/versions`
        : `/compatibility/subjects/${encode(subject)}/versions/${options.version}`;
    return this.request('POST', `${path}${options.verbose ? '?verbose=true' : ''}`, requestBody(input));
  }

  /** The compatibility level of a subject (falling back to the global one) or, without a subject, the global one. */
  async getCompatibility(subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${encode(subject)}?defaultToGlobal=true`;
    const response = await this.request<{ compatibilityLevel: CompatibilityLevel }>('GET', path);
    return response.compatibilityLevel;
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${encode(subject)}`;
    const response = await this.request<{ compatibility: CompatibilityLevel }>('PUT', path, {
      compatibility: level,
    });
    return response.compatibility;
  }

  async getMode(subject?: string): Promise<Mode> {
    const path = subject === undefined ? '/mode' : `/mode/${encode(subject)}?defaultToGlobal=true`;
    return (await this.request<{ mode: Mode }>('GET', path)).mode;
  }

  async setMode(mode: Mode, subject?: string, options: { force?: boolean } = {}): Promise<Mode> {
    const path = `${subject === undefined ? '/mode' : `/mode/${encode(subject)}`}${options.force ? '?force=true' : ''}`;
    return (await this.request<{ mode: Mode }>('PUT', path, { mode })).mode;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
