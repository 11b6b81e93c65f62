import { UsageError } from '@samsa/cli-kit';

/**
 * A point in time from the command line, in ms since the epoch: ISO 8601 (`2026-05-01T12:00:00Z`, a date alone is
 * midnight UTC; without a zone, local time, as Kafka's tools read it) or milliseconds.
 */
export function parseTime(value: string, option: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new UsageError(
      `${option} takes an ISO 8601 time (2026-05-01T12:00:00Z) or milliseconds, not "${value}"`,
    );
  }
  return ms;
}
