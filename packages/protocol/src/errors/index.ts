export { kafkaErrorCodeForDecodeFailure } from './decode-failure-error-code.js';
export { DecompressionLimitError } from './decompression-limit-error.js';
export { ErrorCode, type ErrorCodeName } from './error-code.js';
export { errorCodeName, type KafkaErrorInfo, kafkaErrors } from './kafka-error-table.js';
export {
  createKafkaError,
  errorForCode,
  type KafkaErrorContext,
  KafkaProtocolError,
} from './kafka-protocol-error.js';
export {
  type DecodeFailureReason,
  ProtocolDecodeError,
  type ProtocolDecodeErrorOptions,
  SamsaError,
} from './samsa-error.js';
