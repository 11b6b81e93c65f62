/** The SCRAM mechanism codes of DescribeUserScramCredentials / AlterUserScramCredentials (KIP-554). */
export const ScramMechanism = {
  UNKNOWN: 0,
  SCRAM_SHA_256: 1,
  SCRAM_SHA_512: 2,
} as const;
export type ScramMechanism = (typeof ScramMechanism)[keyof typeof ScramMechanism];

/** The SASL mechanism name of a SCRAM mechanism code, or undefined for UNKNOWN and codes Kafka does not define. */
export function scramMechanismName(type: number): 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | undefined {
  if (type === ScramMechanism.SCRAM_SHA_256) return 'SCRAM-SHA-256';
  if (type === ScramMechanism.SCRAM_SHA_512) return 'SCRAM-SHA-512';
  return undefined;
}
