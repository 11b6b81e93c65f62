/** Kafka's error codes, from @samsa/protocol's table, plus their names for log lines. */
import { ErrorCode, kafkaErrors } from '@samsa/protocol';

export { ErrorCode };

/** The Kafka name of an error code, for log lines. */
export function errorName(code: number): string {
  return kafkaErrors.get(code)?.type ?? `error ${code}`;
}
