/**
 * Which records a browse or tail shows: a substring of the key or value as displayed (case-insensitive), and an
 * RFC 9535 JSON path into JSON and Avro values (jsonpath-rfc9535) that must select something, equal to a given
 * value when one is given. A path that does not parse is refused before any record is read.
 */
import { query } from 'jsonpath-rfc9535';
import type { RecordView } from '../../api/types.js';
import { ApiError } from '../errors.js';

export interface RecordFilterSpec {
  key?: string;
  value?: string;
  jsonPath?: string;
  jsonValue?: string;
}

export type RecordFilter = (record: RecordView) => boolean;

export function recordFilter(spec: RecordFilterSpec): RecordFilter | null {
  const key = spec.key?.toLowerCase() || undefined;
  const value = spec.value?.toLowerCase() || undefined;
  const path = spec.jsonPath?.trim() || undefined;
  if (spec.jsonValue && !path) {
    throw new ApiError(
      400,
      'INVALID_FILTER',
      'jsonValue needs a jsonPath to compare with, such as $.customerId',
    );
  }
  if (path !== undefined) {
    try {
      query({}, path);
    } catch (error) {
      throw new ApiError(
        400,
        'INVALID_FILTER',
        `"${path}" is not a JSON path (RFC 9535, e.g. $.customer.id or $.items[0].sku): ${(error as Error).message}`,
      );
    }
  }
  if (key === undefined && value === undefined && path === undefined) return null;
  const wanted = spec.jsonValue;
  return (record) => {
    if (key !== undefined && !record.key.text.toLowerCase().includes(key)) return false;
    if (value !== undefined && !record.value.text.toLowerCase().includes(value)) return false;
    if (path !== undefined) {
      const format = record.value.format;
      if (format !== 'json' && format !== 'avro') return false;
      const selected = query(JSON.parse(record.value.text), path);
      if (selected.length === 0) return false;
      if (wanted !== undefined && !selected.some((node) => sameValue(node, wanted))) return false;
    }
    return true;
  };
}

/** `wanted` as typed in a form: JSON text (`42`, `true`, `"x"`) or a bare string (`c-1`). */
function sameValue(node: unknown, wanted: string): boolean {
  if (typeof node === 'string' && node === wanted) return true;
  return JSON.stringify(node) === canonicalJson(wanted);
}

function canonicalJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return undefined;
  }
}
