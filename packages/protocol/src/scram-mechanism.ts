/** The SCRAM mechanism codes of DescribeUserScramCredentials / AlterUserScramCredentials (KIP-554). */
export const ScramMechanism = {
  UNKNOWN: 0,
  SCRAM_SHA_256: 1,
  SCRAM_SHA_512: 2,
} as const;
export type ScramMechanism = (typeof ScramMechanism)[keyof typeof ScramMechanism];
