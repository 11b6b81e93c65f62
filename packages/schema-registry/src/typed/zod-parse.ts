import type { z } from 'zod';
import { InvalidValueError } from '../errors.js';

/** zod's parse, failing with InvalidValueError listing every issue and its path (what serde errors are). */
export function zodParse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const paths = result.error.issues.map((issue) => issue.path.join('.') || '<root>');
  const details = result.error.issues.map((issue) => `${issue.path.join('.') || '<root>'}: ${issue.message}`);
  throw new InvalidValueError(`Value does not match the ${what} (zod): ${details.join('; ')}`, paths);
}
