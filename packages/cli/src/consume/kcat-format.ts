/**
 * kcat's `-f` output format: `%t` topic, `%p` partition, `%o` offset, `%k` key, `%K` key length (-1 for null),
 * `%s` value, `%S` value length (-1 for null), `%T` timestamp (ms), `%h` headers (`name=value` comma-separated,
 * `NULL` for a null value), `%%` a percent sign; `\n`, `\r`, `\t`, `\xHH` and `\NNN` escapes. Written from kcat's
 * documented behaviour so that the same format prints the same text for the same records.
 */
import { UsageError } from '@samsa/cli-kit';

export interface FormattedRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  /** The key and value as text (Avro decoded to JSON); null when the record has none. */
  key: string | null;
  value: string | null;
  /** Byte lengths of the raw key and value; null when absent. */
  keyLength: number | null;
  valueLength: number | null;
  headers: [string, string | null][];
}

type Token = { literal: string } | { field: 't' | 'p' | 'o' | 'k' | 'K' | 's' | 'S' | 'T' | 'h' };

/** A compiled format: call it with a record to get its text. */
export type RecordFormatter = (record: FormattedRecord) => string;

export function compileKcatFormat(format: string): RecordFormatter {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i];
    if (char !== '%') {
      literal += char;
      continue;
    }
    const next = format[++i];
    if (next === undefined) throw new UsageError('--format ends with a lone %; write %% for a percent sign');
    if (next === '%') {
      literal += '%';
      continue;
    }
    if (!'tpokKsSTh'.includes(next)) {
      throw new UsageError(
        `--format: %${next} is not a format token (known: %t %p %o %k %K %s %S %T %h %%` +
          `${next === 'R' ? '; %R, binary lengths, is not supported' : ''})`,
      );
    }
    if (literal) tokens.push({ literal: kcatEscapes(literal) });
    literal = '';
    tokens.push({ field: next as 't' });
  }
  if (literal) tokens.push({ literal: kcatEscapes(literal) });
  return (record) => {
    let out = '';
    for (const token of tokens) out += 'literal' in token ? token.literal : field(record, token.field);
    return out;
  };
}

function field(record: FormattedRecord, name: string): string {
  switch (name) {
    case 't':
      return record.topic;
    case 'p':
      return String(record.partition);
    case 'o':
      return record.offset;
    case 'k':
      return record.key ?? '';
    case 'K':
      return String(record.keyLength ?? -1);
    case 's':
      return record.value ?? '';
    case 'S':
      return String(record.valueLength ?? -1);
    case 'T':
      return record.timestamp;
    default:
      return record.headers.map(([key, value]) => `${key}=${value === null ? 'NULL' : value}`).join(',');
  }
}

/** kcat's escapes: \n \r \t, \xHH (hex), \NNN (a number: octal with a leading 0, else decimal); \c is c. */
function kcatEscapes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\' || i + 1 >= text.length) {
      out += text[i];
      continue;
    }
    const next = text[++i];
    if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 't') out += '\t';
    else if (next === 'x' || /\d/.test(next)) {
      const hex = next === 'x';
      const digits = /^[0-9a-fA-F]+/.exec(text.slice(hex ? i + 1 : i))?.[0] ?? '';
      const body = hex ? digits : (/^\d+/.exec(text.slice(i))?.[0] ?? '');
      if (body === '') {
        out += hex ? 'x' : next;
        continue;
      }
      const code = hex
        ? Number.parseInt(body, 16)
        : body.startsWith('0')
          ? Number.parseInt(body, 8) || 0
          : Number(body);
      out += String.fromCharCode(code & 0xff);
      i += hex ? body.length : body.length - 1;
    } else out += next;
  }
  return out;
}
