/**
 * The SCRAM mechanism ids of DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554, Kafka's
 * org.apache.kafka.clients.admin.ScramMechanism), with the SASL mechanism name each stands for.
 */
export const ScramMechanismType = {
  UNKNOWN: 0,
  SCRAM_SHA_256: 1,
  SCRAM_SHA_512: 2,
} as const;

/** The SASL mechanism name of a SCRAM mechanism id, or undefined for UNKNOWN and ids Kafka does not define. */
export function scramMechanismName(type: number): 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | undefined {
  if (type === ScramMechanismType.SCRAM_SHA_256) return 'SCRAM-SHA-256';
  if (type === ScramMechanismType.SCRAM_SHA_512) return 'SCRAM-SHA-512';
  return undefined;
}
