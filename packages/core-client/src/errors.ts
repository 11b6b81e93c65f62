/**
 * Client-side typed errors. Every failure a caller can see is a `SamsaError` with a stable `code`;
 * broker error codes arrive as the protocol's `KafkaProtocolError` (re-exported here) with
 * `.retriable` telling whether the client already retried it.
 */
import { SamsaError } from '@samsa/protocol/on-demand';

export type { KafkaErrorContext, KafkaErrorInfo } from '@samsa/protocol/on-demand';
export {
  createKafkaError,
  ErrorCode,
  errorForCode,
  KafkaProtocolError,
  ProtocolDecodeError,
  SamsaError,
} from '@samsa/protocol/on-demand';

/** Something about the client's own state or environment, not a broker's answer. */
export class KafkaClientError extends SamsaError {
  /** Whether trying again (after a back-off) may succeed. */
  readonly retriable: boolean;
  constructor(code: string, message: string, retriable: boolean, options?: { cause?: unknown }) {
    super(code, message, options);
    this.retriable = retriable;
  }
}

/** An option has a wrong type or value; `option` names it as the caller spelled it. */
export class ConfigurationError extends KafkaClientError {
  readonly option: string;
  constructor(option: string, message: string) {
    super('CONFIGURATION', `Invalid option ${option}: ${message}`, false);
    this.option = option;
  }
}

/** A socket to a broker could not be opened, broke, or was closed while requests were waiting. */
export class ConnectionError extends KafkaClientError {
  readonly broker: string;
  constructor(broker: string, message: string, options?: { cause?: unknown }) {
    super('CONNECTION', `Connection to ${broker}: ${message}`, true, options);
    this.broker = broker;
  }
}

/** A broker did not answer within `requestTimeoutMs` (or the per-call timeout). */
export class RequestTimeoutError extends KafkaClientError {
  readonly broker: string;
  readonly apiName: string;
  readonly timeoutMs: number;
  constructor(broker: string, apiName: string, timeoutMs: number) {
    super(
      'REQUEST_TIMEOUT',
      `${apiName} request to ${broker} got no response within ${timeoutMs} ms; the connection is reset and the ` +
        'request retried where that is safe. Raise requestTimeoutMs if the broker is just slow.',
      true,
    );
    this.broker = broker;
    this.apiName = apiName;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The address in `brokers` answered, but not as a Kafka listener with the configured security: an HTTP server,
 * a TLS listener reached without `ssl`, a plaintext listener reached with `ssl`, or another server. Retrying
 * cannot help; the message says what answered and what to change.
 */
export class UnexpectedPeerError extends KafkaClientError {
  readonly broker: string;
  /** 'http', 'tls', 'text', 'plaintext-kafka' or 'not-tls'. */
  readonly peer: string;
  constructor(broker: string, peer: string, description: string, options?: { cause?: unknown }) {
    super('UNEXPECTED_PEER', `Connection to ${broker}: ${description}`, false, options);
    this.broker = broker;
    this.peer = peer;
  }
}

/** The caller's `AbortSignal` fired. `cause` holds the signal's reason. */
export class RequestAbortedError extends KafkaClientError {
  constructor(what: string, reason?: unknown) {
    super('ABORTED', `${what} was aborted`, false, { cause: reason });
  }
}

/** Connecting or a whole operation did not finish in time. */
export class KafkaTimeoutError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TIMEOUT', message, true, options);
  }
}

/** A call on a client that is not connected, or was disconnected while the call waited. */
export class NotConnectedError extends KafkaClientError {
  constructor(message: string, code = 'NOT_CONNECTED') {
    super(code, message, false);
  }
}

/**
 * `disconnect()` gave up on a send before it was acknowledged: `disconnect({ timeout })` ran out, or
 * `timeout: 0` failed pending sends at once. Records of a request already sent may still have been
 * written; the rest were not.
 */
export class ProducerDisconnectedError extends NotConnectedError {
  constructor(timeoutMs: number) {
    super(
      timeoutMs === 0
        ? 'The producer was disconnected with timeout 0 before this send was acknowledged; records already ' +
            'in a produce request may have been written, the others were not. Call disconnect() without a ' +
            'timeout to deliver pending sends first.'
        : `The producer was disconnected and this send was not acknowledged within the disconnect timeout of ` +
            `${timeoutMs} ms; records already in a produce request may have been written, the others were not. ` +
            'Give disconnect() a longer timeout (or none) to deliver pending sends first.',
      'PRODUCER_DISCONNECTED',
    );
  }
}

/** The broker does not speak any version of an API that this client implements. */
export class UnsupportedApiVersionError extends KafkaClientError {
  readonly apiKey: number;
  constructor(apiName: string, apiKey: number, broker: string, brokerRange: string, clientRange: string) {
    super(
      'UNSUPPORTED_API_VERSION',
      `${broker} supports ${apiName} ${brokerRange}, Samsa implements ${clientRange}: no common version. ` +
        'Upgrade the broker or use a client feature that does not need this API.',
      false,
    );
    this.apiKey = apiKey;
  }
}

/** A node id that is not in the cluster metadata. */
export class BrokerNotFoundError extends KafkaClientError {
  readonly nodeId: number;
  constructor(nodeId: number) {
    super(
      'BROKER_NOT_FOUND',
      `Broker ${nodeId} is not in the cluster metadata; refresh metadata and retry`,
      true,
    );
    this.nodeId = nodeId;
  }
}

/** SASL or TLS handshake failure. */
export class AuthenticationError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTHENTICATION', message, false, options);
  }
}

/** A producer record could not be delivered within `deliveryTimeoutMs`. */
export class DeliveryTimeoutError extends KafkaClientError {
  constructor(topic: string, partition: number, deliveryTimeoutMs: number, options?: { cause?: unknown }) {
    super(
      'DELIVERY_TIMEOUT',
      `Records for ${topic}[${partition}] were not acknowledged within deliveryTimeoutMs=${deliveryTimeoutMs}` +
        ((options?.cause as Error | undefined)?.message
          ? ` (last error: ${(options!.cause as Error).message})`
          : ''),
      true,
      options,
    );
  }
}

/**
 * A topic name Kafka does not accept (Kafka's `Topic.validate`): checked before any request, so a
 * typo fails at once instead of waiting for metadata. `rule` is the rule the name breaks.
 */
export class InvalidTopicNameError extends KafkaClientError {
  readonly topic: string;
  readonly rule: 'type' | 'empty' | 'dots' | 'length' | 'characters';
  constructor(topic: string, rule: InvalidTopicNameError['rule'], message: string) {
    super('INVALID_TOPIC_NAME', message, false);
    this.topic = topic;
    this.rule = rule;
  }
}

/** `send()` waited `maxBlockMs` for room in `bufferMemory` and got none. */
export class BufferExhaustedError extends KafkaClientError {
  constructor(bufferMemory: number, maxBlockMs: number) {
    super(
      'BUFFER_EXHAUSTED',
      `The producer buffer (bufferMemory=${bufferMemory}) stayed full for maxBlockMs=${maxBlockMs}: the broker ` +
        'is not keeping up. Raise bufferMemory or maxBlockMs, or slow down.',
      true,
    );
  }
}

/** A single record larger than `maxRequestSize` or `bufferMemory`. */
export class RecordTooLargeError extends KafkaClientError {
  constructor(size: number, limitName: string, limit: number) {
    super(
      'RECORD_TOO_LARGE',
      `A record of ${size} bytes exceeds ${limitName}=${limit}; send smaller records or raise ${limitName}`,
      false,
    );
  }
}

/** Several retries of an operation failed; `cause` is the last error. */
export class RetriesExhaustedError extends KafkaClientError {
  readonly attempts: number;
  constructor(what: string, attempts: number, cause: unknown) {
    super(
      'RETRIES_EXHAUSTED',
      `${what} failed after ${attempts} attempts: ${(cause as Error)?.message ?? String(cause)}`,
      false,
      { cause },
    );
    this.attempts = attempts;
  }
}

/** True when trying again may help: retriable Kafka codes and connection/timeout failures. */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}
