/** Validated `SamsaModuleOptions` (`ResolvedSamsaOptions`). */
export const SAMSA_OPTIONS = Symbol.for('samsa:options');
/** The KafkaJS-shaped client (`KafkaLike`) every consumer and producer is made from. */
export const SAMSA_KAFKA = Symbol.for('samsa:kafka');
/** The `ValueCodec` (JSON, text, Avro through the registry). */
export const SAMSA_CODEC = Symbol.for('samsa:codec');
