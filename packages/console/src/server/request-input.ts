/**
 * Reading what a request carries, strictly: JSON bodies checked against zod schemas (malformed JSON, wrong types
 * and unknown fields are 400s that say which field), and integer query parameters.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError } from './errors.js';

export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as JSON with content-type: application/json',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    throw new ApiError(
      400,
      'MALFORMED_JSON',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0]!;
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `Invalid request body${first.path ? ` at ${first.path}` : ''}: ${first.message}`,
      { issues },
    );
  }
  return parsed.data;
}

/** An optional integer query parameter within [min, max]. */
export function intQuery(
  c: Context,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const text = c.req.query(name);
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `Query parameter ${name} must be an integer from ${min} to ${max}, not "${text}"`,
    );
  }
  return value;
}

/** Optional string query parameters, empty ones left out. */
export function stringQuery(c: Context, name: string): string | undefined {
  const text = c.req.query(name);
  return text === undefined || text === '' ? undefined : text;
}

export { z };
