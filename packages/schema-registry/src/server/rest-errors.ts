import type { AuthenticationFailure } from './auth/access-control.js';
import type { RegistryErrorReason, RegistryOperationError } from './registry/errors.js';

const UNAUTHORIZED: Record<AuthenticationFailure, string> = {
  missing: 'Unauthorized: this registry requires HTTP basic authentication',
  'wrong-scheme': 'Unauthorized: only the Basic authentication scheme is accepted',
  malformed: 'Unauthorized: the Basic credentials are not base64 of user:password',
  'bad-credentials': 'Unauthorized: wrong user name or password',
};

/** The registry's REST errors: HTTP status plus Confluent's `error_code` and message wording. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** Errors of the HTTP layer itself: requests it cannot route, read or convert, and leader forwarding. */
export const Errors = {
  invalidVersion: (version: string) =>
    new RestError(
      422,
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: () =>
    new RestError(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    ),
  invalidMode: () =>
    new RestError(
      422,
      42204,
      'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, IMPORT and FORWARD.',
    ),
  storeError: (message: string) => new RestError(500, 50001, message),
  forwardingFailed: (message: string) => new RestError(500, 50003, message),
  unknownLeader: () =>
    new RestError(500, 50004, 'Unknown leader: no schema registry leader is elected yet; retry shortly'),
  // Framework-level errors, worded as Jersey's and with the HTTP status as error_code, as Confluent answers them.
  notFound: () => new RestError(404, 404, 'HTTP 404 Not Found'),
  methodNotAllowed: () => new RestError(405, 405, 'HTTP 405 Method Not Allowed'),
  notAcceptable: () => new RestError(406, 406, 'HTTP 406 Not Acceptable'),
  unsupportedMediaType: () => new RestError(415, 415, 'HTTP 415 Unsupported Media Type'),
  badRequest: (message: string) => new RestError(400, 400, message),
  /** A body of the wrong shape (Jackson's mapping errors in Confluent's registry). */
  unprocessable: (message: string) => new RestError(422, 422, message),
  payloadTooLarge: (limit: number) =>
    new RestError(
      413,
      413,
      `Request body larger than ${limit} bytes; raise --max-body-bytes if this is intended`,
    ),
  /** No usable credentials (with a `WWW-Authenticate` challenge); 40101 as Confluent's security plugins answer. */
  unauthorized: (why: AuthenticationFailure) => new RestError(401, 40101, UNAUTHORIZED[why]),
  /** Authenticated, but the authorization file grants no such permission (Confluent's 40301 wording). */
  forbidden: (username: string, operation: 'Read' | 'Write', resource: string) =>
    new RestError(403, 40301, `User ${username} is denied operation ${operation} on ${resource}`),
};

/** Confluent's HTTP status and `error_code` for each reason the registry refuses or fails an operation. */
const REST_CODES: Record<
  Exclude<RegistryErrorReason, 'incompatible-schema'>,
  [status: number, errorCode: number]
> = {
  'subject-not-found': [404, 40401],
  'version-not-found': [404, 40402],
  'schema-not-found': [404, 40403],
  'subject-soft-deleted': [404, 40404],
  'subject-not-soft-deleted': [404, 40405],
  'version-soft-deleted': [404, 40406],
  'version-not-soft-deleted': [404, 40407],
  'subject-compatibility-not-configured': [404, 40408],
  'subject-mode-not-configured': [404, 40409],
  'invalid-schema': [422, 42201],
  'operation-not-permitted': [422, 42205],
  'reference-exists': [422, 42206],
  'id-conflict': [422, 42207],
  'invalid-subject': [422, 42208],
  'schema-too-large': [422, 42209],
  'context-not-empty': [422, 42211],
  'store-failed': [500, 50001],
  'store-timeout': [500, 50002],
};

/**
 * The REST answer to a registry error. An incompatible schema is HTTP 409 with `incompatibleErrorCode`: 40901 as
 * Confluent 8.x answers, or 409 as Confluent up to 7.9 and Karapace do.
 */
export function restErrorOf(error: RegistryOperationError, incompatibleErrorCode: 409 | 40901): RestError {
  if (error.reason === 'incompatible-schema') return new RestError(409, incompatibleErrorCode, error.message);
  const [status, errorCode] = REST_CODES[error.reason];
  return new RestError(status, errorCode, error.message);
}
