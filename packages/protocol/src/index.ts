/**
 * @samsa/protocol: the Kafka wire protocol. Message types and per-version codecs generated from
 * `protocolSpec`, headers and framing, RecordBatch v2, CRC32C, compression and Kafka's error codes.
 */
export { protocolSpec } from './spec/index.js';
export type { ApiSpec, FieldDefault, FieldSpec, FieldType, MessageSpec, VersionRange } from './spec/index.js';

export * from './generated/index.js';
export type {
  ApiCodec,
  MessageCodec,
  MessageDecoder,
  MessageEncoder,
  RecordsInput,
  UnknownTaggedField,
} from './codec-support.js';

export { Reader } from './io/reader.js';
export { Writer } from './io/writer.js';
export { randomUuid, uuidFromBytes, uuidToBytes, ZERO_UUID } from './io/uuid.js';

export {
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
} from './headers.js';
export {
  decodeRequest,
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readCorrelationId,
  UnknownApiKeyError,
  UnsupportedVersionError,
  type DecodedRequest,
} from './frames.js';
export { FrameSplitter, FrameTooLargeError, InvalidFrameSizeError } from './framing.js';

export { ProtocolDecodeError, SamsaError } from './errors/samsa-error.js';
export { crc32c } from './records/crc32c.js';
