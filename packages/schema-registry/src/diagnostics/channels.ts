/**
 * What the registry server and the serde publish on `node:diagnostics_channel`, for tracers and
 * metrics (@samsa/otel subscribes; nothing here depends on it). Nothing is built while a channel has
 * no subscriber. Names and payloads are a documented contract (README, "Diagnostics channels").
 *
 * - `samsa:registry:request` (tracing channel): each HTTP request the registry server answers.
 * - `samsa:registry:lookup` (tracing channel): each time a serializer or deserializer asks the
 *   registry (its caches missed): a serializer's schema id for a subject, a deserializer's schema by id.
 * - `samsa:registry:cache` (channel): every schema resolution of a serialize or deserialize call,
 *   answered from the serde's cache or not.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { IncomingHttpHeaders } from 'node:http';

export const RegistryChannelNames = {
  request: 'samsa:registry:request',
  lookup: 'samsa:registry:lookup',
  cache: 'samsa:registry:cache',
} as const;

export interface RegistryRequestEvent {
  method: string;
  /** The request's path, without the query. */
  path: string;
  /** The matched route's template (`/subjects/:subject/versions`); unset when no route matched. */
  route?: string;
  /** The request's headers (for trace context). */
  headers: IncomingHttpHeaders;
  /** The response's status, once answered. */
  status?: number;
  /** A failure the server did not answer as a registry error (a 500), or the connection's. */
  error?: unknown;
}

/** `schemaId`: a serializer's id for its subject (register, look up, or latest); `schema`: a deserializer's writer schema. */
export type RegistryLookupOperation = 'schemaId' | 'schema';

export interface RegistryLookupEvent {
  operation: RegistryLookupOperation;
  /** The registry's base URL. */
  registry: string;
  /** With `schemaId`: the subject and how the id is found. */
  subject?: string;
  mode?: 'register' | 'lookup' | 'latest';
  /** With `schema`, and with `schemaId` once found: the schema id. */
  id?: number;
  error?: unknown;
}

export interface RegistryCacheEvent {
  operation: RegistryLookupOperation;
  /** Answered from the serde's cache, without asking the registry. */
  hit: boolean;
  topic: string;
}

export const registryChannels = {
  request: diagnostics_channel.tracingChannel<unknown, RegistryRequestEvent>(RegistryChannelNames.request),
  lookup: diagnostics_channel.tracingChannel<unknown, RegistryLookupEvent>(RegistryChannelNames.lookup),
  cache: diagnostics_channel.channel(RegistryChannelNames.cache),
};
