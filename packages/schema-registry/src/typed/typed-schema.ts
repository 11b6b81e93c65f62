import type { z } from 'zod';
import { toCanonicalString } from '../avro/canonical.js';
import { parseSchema } from '../avro/parse.js';
import type { AvroSchema } from '../avro/schema.js';
import { InvalidValueError } from '../errors.js';
import { isStackOverflow } from '../nesting.js';
import type { TypedAvroSchema } from '../serde/serde.js';
import { zodFor } from './validator.js';

/** An Avro schema bound to its TypeScript type, with a runtime validator for plain objects. */
export interface TypedSchema<T> extends TypedAvroSchema<T> {
  readonly schema: object | string;
  /** The parsed, validated schema. */
  readonly parsed: AvroSchema;
  /** Canonical JSON text, as the registry stores it. */
  readonly canonical: string;
  /** zod validator for values in avsc's representation. */
  readonly zod: z.ZodType<T>;
  /** Type guard. */
  is(value: unknown): value is T;
  /** Returns the value typed as T, or throws InvalidValueError listing every problem. */
  validate(value: unknown): T;
}

/** Binds a schema (JSON text or value) to a TypeScript type. Generated code calls this; so can hand-written code. */
export function typedSchema<T>(schema: object | string): TypedSchema<T> {
  const parsed = parseSchema(schema);
  const validator = zodFor(parsed) as z.ZodType<T>;
  const check = (value: unknown) => {
    try {
      return validator.safeParse(value);
    } catch (error) {
      // Only a recursive schema admits a value this deep (the schema's own nesting is bounded when it is parsed).
      if (isStackOverflow(error)) return { success: false as const, tooDeep: true as const };
      throw error;
    }
  };
  return {
    schema,
    parsed,
    canonical: toCanonicalString(parsed),
    zod: validator,
    is: (value: unknown): value is T => check(value).success,
    validate(value: unknown): T {
      const result = check(value);
      if (result.success) return value as T;
      if ('tooDeep' in result) {
        throw new InvalidValueError(
          'Value does not match the Avro schema: it nests deeper than the validator can follow',
          [],
        );
      }
      const paths = result.error.issues.map((issue) => issue.path.join('.') || '<root>');
      const details = result.error.issues.map(
        (issue) => `${issue.path.join('.') || '<root>'}: ${issue.message}`,
      );
      throw new InvalidValueError(`Value does not match the Avro schema: ${details.join('; ')}`, paths);
    },
  };
}

/** The TypeScript type of a typed schema. */
export type Infer<S> = S extends TypedAvroSchema<infer T> ? T : never;
