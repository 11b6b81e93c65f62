// Avro schemas: parsing with validation, canonical forms.

export { toCanonicalString, toNormalizedString, toParsingCanonicalForm } from './avro/canonical.js';
export { type ParsedAvro, type ParseOptions, parseAvro, parseSchema } from './avro/parse.js';
export type { AvroSchema, EnumSchema, Field, FixedSchema, NamedSchema, RecordSchema } from './avro/schema.js';
// Client, subject names, serde.
export {
  type RegisteredSchema,
  type SchemaInput,
  SchemaRegistryClient,
  type SchemaRegistryClientOptions,
} from './client/client.js';
export {
  recordNameStrategy,
  type SubjectNameStrategy,
  type SubjectNameStrategyName,
  topicNameStrategy,
  topicRecordNameStrategy,
} from './client/subject-names.js';
export {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  checkSubjectCompatibility,
  type Direction,
  parseCompatibilityLevel,
  type SubjectCompatibilityResult,
  type SubjectIncompatibility,
} from './compatibility/levels.js';
export { describeIncompatibility, formatDifference } from './compatibility/messages.js';
// Compatibility: Avro's reader/writer rules and the registry's levels.
export {
  type CompatibilityResult,
  checkCompatibility,
  type Incompatibility,
  type IncompatibilityType,
  READER_WRITER_COMPATIBLE_MESSAGE,
} from './compatibility/reader-writer.js';
export {
  type RegistryCacheEvent,
  RegistryChannelNames,
  type RegistryLookupEvent,
  type RegistryLookupOperation,
  type RegistryRequestEvent,
  registryChannels,
} from './diagnostics/channels.js';
export {
  InvalidValueError,
  RegistryResponseError,
  RegistryStoreError,
  RegistryStoreTimeoutError,
  SchemaParseError,
  SchemaRegistryError,
  SchemaTooDeepError,
  SerdeError,
} from './errors.js';
export { MAX_NESTING_DEPTH } from './nesting.js';
export { avroFromJson, avroToJson } from './serde/avro-json.js';
export {
  DisplayDecoder,
  type DisplayDecoderOptions,
  type DisplayedData,
  type DisplayFormat,
} from './serde/display.js';
export {
  AvroDeserializer,
  type AvroDeserializerOptions,
  AvroSerializer,
  type AvroSerializerOptions,
  type Deserializer,
  type Serializer,
  type TypedAvroSchema,
} from './serde/serde.js';
export { encodeWire, MAGIC_BYTE, readSchemaId } from './serde/wire.js';
// The registry server and its storage interfaces.
export {
  type BasicAuthUser,
  RegistryServer,
  type RegistryServerOptions,
  startRegistryServer,
} from './server/http.js';
export { KafkaLeaderElection, type KafkaLeaderElectionOptions } from './server/kafka/kafka-election.js';
export { KafkaRegistryLog, type KafkaRegistryLogOptions } from './server/kafka/kafka-log.js';
export type { KafkaStorageOptions } from './server/kafka/storage.js';
export {
  decodeRecord,
  encodeKey,
  encodeValue,
  type Mode,
  type RegistryKey,
  type RegistryRecord,
  type SchemaReference,
  type SchemaValue,
} from './server/records.js';
export { type RegistryErrorReason, RegistryOperationError } from './server/registry/errors.js';
export type { Registration, SchemaSubmission, VersionId } from './server/registry/input.js';
export { Registry, type RegistryOptions } from './server/registry/registry.js';
export {
  type LeaderElection,
  MemoryRegistryLog,
  type RegistryLog,
  SoloLeaderElection,
  StaticLeaderElection,
} from './server/store.js';
export { type CodegenInput, type CodegenOptions, generateTypeScript } from './typed/codegen.js';
// Typed events.
export { type AvroType, avro, defineAvro, type RecordType } from './typed/define.js';
export { type Infer, type TypedSchema, typedSchema } from './typed/typed-schema.js';
