/**
 * `-o, --output table|json` for commands that list things: a table for people (the default), JSON for scripts (one
 * document, pretty-printed, so `jq` reads it and a diff shows what changed).
 */
import { Option } from 'commander';
import type { CliIo } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The option; add it to every command that lists or describes something. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'table for people, json for scripts')
    .choices(OUTPUT_FORMATS)
    .default('table');
}

/** Writes `value` as JSON with a trailing newline (bigints as strings). */
export function printJson(io: Pick<CliIo, 'stdout'>, value: unknown): void {
  io.stdout(`${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
