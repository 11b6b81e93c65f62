import { z } from 'zod';
import { SchemaRegistryError } from '../errors.js';
import type { TypedJsonSchema } from '../serde/json-schema.js';
import { zodParse } from './zod-parse.js';

export interface ZodJsonSchema<T> extends TypedJsonSchema<T> {
  readonly schema: object;
  readonly zod: z.ZodType<T>;
  /** zod's parse: the value checked, defaults filled in, unknown keys dropped. */
  readonly validate: (value: unknown) => T;
}

export interface JsonSchemaFromZodOptions {
  /** The schema's title (what the record name strategies use). Default: the zod schema's `.meta({ title })`. */
  title?: string;
  /** Default draft-07, the draft every JSON Schema client reads; 2020-12 on request. */
  target?: 'draft-07' | 'draft-2020-12';
  /**
   * `output` (default): the values zod's parse returns, with objects closed (`additionalProperties: false`), so
   * removing a property is BACKWARD-incompatible and adding an optional one is not. `input`: what parse accepts.
   */
  io?: 'input' | 'output';
}

/**
 * The JSON Schema of a zod schema, by zod 4's own `z.toJSONSchema`, with zod as the validator. Dates, bigints and
 * transforms have no JSON form: use `z.iso.datetime()`, `z.int()` and plain schemas for event payloads.
 */
export function jsonSchemaFromZod<S extends z.ZodType>(
  schema: S,
  options: JsonSchemaFromZodOptions = {},
): ZodJsonSchema<z.output<S>> {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, {
      target: options.target === 'draft-2020-12' ? 'draft-2020-12' : 'draft-7',
      io: options.io ?? 'output',
      unrepresentable: 'throw',
    }) as Record<string, unknown>;
  } catch (error) {
    throw new SchemaRegistryError(`The zod schema has no JSON Schema form: ${(error as Error).message}`);
  }
  if (options.title !== undefined) json = { ...json, title: options.title };
  return {
    schemaType: 'JSON',
    schema: json,
    zod: schema as unknown as z.ZodType<z.output<S>>,
    validate: (value) => zodParse(schema, value, 'JSON schema'),
  };
}
