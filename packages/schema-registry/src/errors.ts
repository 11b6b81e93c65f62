import { SamsaError } from '@samsa/protocol';

/**
 * Typed errors of @samsa/schema-registry, in Samsa's SamsaError hierarchy: each has a stable `code` and a message
 * that says what went wrong and what to do about it.
 */
export class SchemaRegistryError extends SamsaError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'SCHEMA_REGISTRY', message, options);
  }
}

/** An Avro schema that does not parse or does not validate. `path` is a JSON pointer into the schema document. */
export class SchemaParseError extends SchemaRegistryError {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(path === '' || path === '/' ? reason : `${reason} (at ${path})`, { code: 'SCHEMA_PARSE' });
  }
}

/**
 * A schema nested deeper than the nesting limit (see `MAX_NESTING_DEPTH`): refused before anything walks it, so no
 * walk can overflow the stack. The registry answers it as an invalid schema (422, error code 42201).
 */
export class SchemaTooDeepError extends SchemaParseError {
  constructor(
    reason: string,
    /** The nesting limit that was exceeded. */
    readonly limit: number,
  ) {
    super(reason, '');
  }
}

/** The registry answered with an error body `{error_code, message}` (or an HTTP error without one). */
export class RegistryResponseError extends SchemaRegistryError {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    readonly serverMessage: string,
    readonly url: string,
  ) {
    super(`Schema registry ${url} answered ${status} (error_code ${errorCode}): ${serverMessage}`, {
      code: 'REGISTRY_RESPONSE',
    });
  }
}

/** A serialized message that is not in the Confluent wire format, or whose schema cannot be resolved. */
export class SerdeError extends SchemaRegistryError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: 'SERDE', ...options });
  }
}

/** A value that does not match the Avro schema it is being serialized or validated with. */
export class InvalidValueError extends SerdeError {
  constructor(
    message: string,
    readonly paths: string[],
  ) {
    super(message, { code: 'INVALID_VALUE' });
  }
}

/**
 * The registry's Kafka storage failed: the schemas topic is misconfigured (several partitions, not compacted), the
 * cluster is unreachable, or a write did not come back through the topic in time. The message says what to fix.
 */
export class RegistryStoreError extends SchemaRegistryError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { code: 'REGISTRY_STORE', ...options });
  }
}

/** A store operation (a write read back, a catch-up, the initial replay) took longer than its timeout. */
export class RegistryStoreTimeoutError extends RegistryStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'REGISTRY_STORE_TIMEOUT', ...options });
  }
}

/**
 * This registry instance lost the role of `_schemas`' writer: another instance took the topic's transactional id
 * over (it became the leader while this one still believed it led), so the broker fenced this one. The write was
 * not applied; sent again, it goes to the current leader.
 */
export class RegistryWriterFencedError extends RegistryStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'REGISTRY_WRITER_FENCED', ...options });
  }
}

/**
 * The registry's authorization file (users and permissions, Karapace's format) cannot be used: unreadable, not
 * JSON, or an entry of the wrong shape. `file` is its path, `location` where in it the problem is
 * (`users[1].algorithm`; empty for the whole file).
 */
export class AuthorizationFileError extends SchemaRegistryError {
  constructor(
    readonly file: string,
    readonly location: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Authorization file ${file}${location === '' ? '' : ` at ${location}`}: ${reason}`, {
      code: 'AUTHORIZATION_FILE',
      ...options,
    });
  }
}
