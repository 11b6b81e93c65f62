// Avro schemas: parsing with validation, canonical forms. JSON Schema and Protobuf parsing.

// Throwaway certificates for tests and development (what `serve --tls auto` uses), shared with the dev broker.
export {
  type DevCertificateFiles,
  type DevCertificateOptions,
  type DevCertificates,
  generateDevCertificates,
  type PemKeyPair,
  writeDevCertificates,
} from '@samsa/cli-kit';
export { toCanonicalString, toNormalizedString, toParsingCanonicalForm } from './avro/canonical.js';
export { type ParsedAvro, type ParseOptions, parseAvro, parseSchema } from './avro/parse.js';
export type { AvroSchema, EnumSchema, Field, FixedSchema, NamedSchema, RecordSchema } from './avro/schema.js';
// Client, subject names, serde.
export {
  type RegisteredSchema,
  type SchemaInput,
  SchemaRegistryClient,
  type SchemaRegistryClientOptions,
  type SchemaType,
  type SubjectVersion,
} from './client/client.js';
export {
  type NamedSubjectStrategy,
  recordNameStrategy,
  type SubjectNameStrategy,
  type SubjectNameStrategyName,
  subjectForRecordName,
  topicNameStrategy,
  topicRecordNameStrategy,
} from './client/subject-names.js';
export {
  diffJsonSchemas,
  incompatibleDifferences as incompatibleJsonSchemaDifferences,
} from './compatibility/json-schema/diff.js';
export {
  describeJsonSchemaDifference,
  JSON_SCHEMA_DIFFERENCE_TYPES,
  type JsonSchemaCompatibilityPolicy,
  type JsonSchemaDifference,
  type JsonSchemaDifferenceType,
} from './compatibility/json-schema/differences.js';
export { type JsonSchemaIncompatibility, jsonSchemaRules } from './compatibility/json-schema/rules.js';
export {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  checkAgainstVersions,
  checkSubjectCompatibility,
  type Direction,
  type FormatIncompatibility,
  type LocatedIncompatibility,
  parseCompatibilityLevel,
  type SubjectCompatibilityResult,
  type SubjectIncompatibility,
  type VersionsCheckResult,
} from './compatibility/levels.js';
export { describeIncompatibility, formatDifference } from './compatibility/messages.js';
export { diffProtobufSchemas, incompatibleProtobufDifferences } from './compatibility/protobuf/diff.js';
export {
  describeProtobufDifference,
  PROTOBUF_DIFFERENCE_TYPES,
  type ProtobufDifference,
  type ProtobufDifferenceType,
} from './compatibility/protobuf/differences.js';
export { type ProtobufIncompatibility, protobufRules } from './compatibility/protobuf/rules.js';
// Compatibility: Avro's reader/writer rules and the registry's levels.
export {
  type CompatibilityResult,
  checkCompatibility,
  type Incompatibility,
  type IncompatibilityType,
  READER_WRITER_COMPATIBLE_MESSAGE,
} from './compatibility/reader-writer.js';
export { avroRules, type CompatibilityRules } from './compatibility/rules.js';
export {
  type RegistryCacheEvent,
  RegistryChannelNames,
  type RegistryLookupEvent,
  type RegistryLookupOperation,
  type RegistryRequestEvent,
  registryChannels,
} from './diagnostics/channels.js';
export {
  AuthorizationFileError,
  InvalidValueError,
  RegistryResponseError,
  RegistryStoreError,
  RegistryStoreTimeoutError,
  RegistryWriterFencedError,
  SchemaParseError,
  SchemaRegistryError,
  SchemaTooDeepError,
  SerdeError,
} from './errors.js';
export type { JsonSchemaDialect } from './json-schema/dialects.js';
export { type JsonSchemaReference, type ParsedJsonSchema, parseJsonSchema } from './json-schema/schema.js';
export { MAX_NESTING_DEPTH } from './nesting.js';
export { printProtoFile } from './protobuf/print.js';
export { type ParsedProtobuf, type ProtobufReference, parseProtobuf } from './protobuf/schema.js';
export { avroFromJson, avroToJson } from './serde/avro-json.js';
export {
  DisplayDecoder,
  type DisplayDecoderOptions,
  type DisplayedData,
  type DisplayFormat,
} from './serde/display.js';
export {
  JsonSchemaDeserializer,
  type JsonSchemaDeserializerOptions,
  JsonSchemaSerializer,
  type JsonSchemaSerializerOptions,
  type TypedJsonSchema,
} from './serde/json-schema.js';
export { decodeMessageIndexes, encodeMessageIndexes } from './serde/message-indexes.js';
export {
  DEFAULT_PROTOBUF_OBJECT_OPTIONS,
  ProtobufDeserializer,
  type ProtobufDeserializerOptions,
  ProtobufSerializer,
  type ProtobufSerializerOptions,
  type TypedProtobufSchema,
} from './serde/protobuf.js';
export type { SchemaIdOptions } from './serde/schema-ids.js';
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
export { type HashAlgorithm, hashPassword } from './server/auth/password-hash.js';
export {
  type BasicAuthUser,
  RegistryServer,
  type RegistryServerOptions,
  type RegistryTlsOptions,
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
// zod-first events: JSON Schema (zod's own conversion) and Avro derived from a zod schema.
export { type AvroFromZodOptions, avroFromZod, type ZodAvroSchema } from './typed/zod-avro.js';
export { decimal } from './typed/zod-decimal.js';
export {
  type JsonSchemaFromZodOptions,
  jsonSchemaFromZod,
  type ZodJsonSchema,
} from './typed/zod-json-schema.js';
