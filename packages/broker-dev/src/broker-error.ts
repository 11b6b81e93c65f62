/** A failure that a request handler turns into a Kafka error code plus message in its response. */
import { errorCodeName, SamsaError } from '@samsa/protocol';

export class BrokerError extends SamsaError {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(errorCodeName(errorCode), message);
  }
}

/** The Kafka error code for anything a handler caught: storage errors carry one, the rest are -1. */
export function errorCodeOf(err: unknown): number {
  if (err instanceof BrokerError) return err.errorCode;
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'number' ? code : -1;
}
