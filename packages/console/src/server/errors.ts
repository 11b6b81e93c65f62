/**
 * Errors as the API answers them: each failure becomes a status and a stable code with a message that says what to
 * do (`{ error: { code, message, details? } }`). Kafka's and the registry's typed errors are mapped here, in one place.
 */
import {
  ConfigurationError,
  ConnectionError,
  ErrorCode,
  InvalidTopicNameError,
  KafkaClientError,
  KafkaProtocolError,
  KafkaTimeoutError,
  NotConnectedError,
  ProtocolDecodeError,
  RequestTimeoutError,
  RetriesExhaustedError,
} from '@samsa/core-client';
import {
  InvalidValueError,
  RegistryResponseError,
  SchemaParseError,
  SchemaRegistryError,
  SerdeError,
} from '@samsa/schema-registry';
import type { ApiErrorBody } from '../api/types.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 502 | 503 | 504;

/** A failure with the status and code the API answers it with. */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

const BAD_REQUEST_CODES = new Set<number>([
  ErrorCode.INVALID_TOPIC_EXCEPTION,
  ErrorCode.INVALID_PARTITIONS,
  ErrorCode.INVALID_REPLICATION_FACTOR,
  ErrorCode.INVALID_REPLICA_ASSIGNMENT,
  ErrorCode.INVALID_CONFIG,
  ErrorCode.INVALID_REQUEST,
  ErrorCode.POLICY_VIOLATION,
  ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
  ErrorCode.OFFSET_OUT_OF_RANGE,
]);

const NOT_FOUND_CODES = new Map<number, string>([
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'TOPIC_NOT_FOUND'],
  [ErrorCode.UNKNOWN_TOPIC_ID, 'TOPIC_NOT_FOUND'],
  [ErrorCode.GROUP_ID_NOT_FOUND, 'GROUP_NOT_FOUND'],
]);

/** The group has members: Kafka refuses commits from outside it (and so does the console, before asking). */
const GROUP_ACTIVE_CODES = new Set<number>([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.FENCED_INSTANCE_ID,
]);

const FORBIDDEN_CODES = new Set<number>([
  ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  ErrorCode.GROUP_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
]);

/** Errors that mean "Kafka cannot be reached right now": the page shows its banner and retries. */
function kafkaUnreachable(error: unknown): boolean {
  if (
    error instanceof ConnectionError ||
    error instanceof RequestTimeoutError ||
    error instanceof KafkaTimeoutError ||
    error instanceof NotConnectedError
  ) {
    return true;
  }
  if (error instanceof RetriesExhaustedError)
    return kafkaUnreachable(error.cause) || isNetworkError(error.cause);
  if (error instanceof KafkaClientError && error.code === 'BROKER_NOT_FOUND') return true;
  return isNetworkError(error);
}

function isNetworkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT';
}

/** The API's answer for any error an operation throws. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidTopicNameError) return new ApiError(400, 'INVALID_TOPIC_NAME', error.message);
  if (error instanceof ConfigurationError) return new ApiError(400, 'INVALID_REQUEST', error.message);
  if (error instanceof KafkaProtocolError) {
    const notFound = NOT_FOUND_CODES.get(error.errorCode);
    if (notFound) return new ApiError(404, notFound, error.message);
    if (error.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) {
      return new ApiError(409, 'TOPIC_ALREADY_EXISTS', error.message);
    }
    if (GROUP_ACTIVE_CODES.has(error.errorCode)) {
      return new ApiError(
        409,
        'GROUP_ACTIVE',
        `Kafka refused the commit (${error.type}): the group has active members; stop its consumers first`,
      );
    }
    if (FORBIDDEN_CODES.has(error.errorCode)) return new ApiError(403, 'KAFKA_FORBIDDEN', error.message);
    if (BAD_REQUEST_CODES.has(error.errorCode)) return new ApiError(400, error.type, error.message);
    if (error.retriable) return new ApiError(503, 'KAFKA_UNAVAILABLE', error.message);
    return new ApiError(502, 'KAFKA_ERROR', error.message, { kafkaError: error.type });
  }
  if (kafkaUnreachable(error)) {
    return new ApiError(503, 'KAFKA_UNAVAILABLE', `Kafka cannot be reached: ${(error as Error).message}`);
  }
  if (error instanceof RetriesExhaustedError && error.cause instanceof KafkaProtocolError) {
    return toApiError(error.cause);
  }
  if (error instanceof InvalidValueError) {
    return new ApiError(400, 'INVALID_VALUE', error.message, { paths: error.paths });
  }
  if (error instanceof SchemaParseError) return new ApiError(422, 'INVALID_SCHEMA', error.message);
  if (error instanceof SerdeError) return new ApiError(400, 'SERDE_ERROR', error.message);
  if (error instanceof RegistryResponseError) return registryError(error);
  if (error instanceof SchemaRegistryError) {
    return new ApiError(503, 'REGISTRY_UNAVAILABLE', error.message);
  }
  if (error instanceof KafkaClientError) return new ApiError(502, error.code, error.message);
  if (error instanceof ProtocolDecodeError) {
    return new ApiError(502, 'KAFKA_PROTOCOL_ERROR', `A broker's answer did not decode: ${error.message}`);
  }
  return new ApiError(500, 'INTERNAL', 'The console failed unexpectedly; its log has the details');
}

function registryError(error: RegistryResponseError): ApiError {
  const message = error.serverMessage;
  switch (error.errorCode) {
    case 40401:
      return new ApiError(404, 'SUBJECT_NOT_FOUND', message);
    case 40402:
      return new ApiError(404, 'VERSION_NOT_FOUND', message);
    case 40403:
      return new ApiError(404, 'SCHEMA_NOT_FOUND', message);
    case 409:
    case 40901:
      return new ApiError(409, 'SCHEMA_INCOMPATIBLE', message);
    case 42201:
    case 42202:
      return new ApiError(422, 'INVALID_SCHEMA', message);
    case 42203:
      return new ApiError(422, 'INVALID_COMPATIBILITY_LEVEL', message);
  }
  if (error.status >= 500) return new ApiError(502, 'REGISTRY_ERROR', error.message);
  if (error.status === 401 || error.status === 403)
    return new ApiError(502, 'REGISTRY_FORBIDDEN', error.message);
  return new ApiError(error.status === 404 ? 404 : 400, 'REGISTRY_REFUSED', message);
}
