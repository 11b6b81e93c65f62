import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's logger, minus the stack trace Nest prints for every failed handler attempt: the payments
 * handler and the dead-letter monitor already tell that story in the event flow. HTTP errors never
 * reach Nest's handler: HttpErrorFilter logs the unexpected ones with their request id.
 */
export class DemoLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest[rest.length - 1] === 'ExceptionsHandler') return;
    super.error(message, ...(rest as [string]));
  }
}
