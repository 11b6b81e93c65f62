/**
 * Finds protocol facts written as numbers outside @samsa/protocol: API keys, RecordBatch field
 * offsets and sizes, compression codecs and Kafka error codes. Each has exactly one home, the
 * protocol package's exports, so a number that drifts from Kafka can only drift there.
 *
 * The rules look for the shapes these numbers take in real code (`apiKey: 3`, `apiKey === 18`,
 * `const PRODUCE = 0`, `buf.readInt16BE(pos + 21)`, `codec === 4`, `errorCode: 6`); comments and
 * strings are ignored. A line that must keep a number on purpose (a test of an unknown API key)
 * says so with `protocol-constants: allow <why>` in a comment on that line or the line above.
 * Zero as an error code is allowed: "no error" reads the same everywhere.
 */

import {
  ApiKey,
  BatchField,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CompressionType,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  ErrorCode,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';

export interface ProtocolFacts {
  /** API name -> key, as protocol's `ApiKey`. */
  readonly apiKeys: Readonly<Record<string, number>>;
  /** Field name -> offset from the start of a batch, as protocol's `BatchField`. */
  readonly batchFields: Readonly<Record<string, number>>;
  /** Codec name -> id, as protocol's `CompressionType` (numeric members only). */
  readonly compressionTypes: Readonly<Record<string, number>>;
  /** Error name -> code, as protocol's `ErrorCode`. */
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly logOverhead: number;
  readonly recordBatchOverhead: number;
  readonly currentMagic: number;
  /** Attribute bit masks by export name (COMPRESSION_CODEC_MASK, ...). */
  readonly attributeMasks: Readonly<Record<string, number>>;
}

export interface Finding {
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** The code as written. */
  readonly text: string;
  /** What the number is and the protocol export to use instead. */
  readonly message: string;
}

/** The facts as @samsa/protocol exports them today. */
export function protocolFacts(): ProtocolFacts {
  return {
    apiKeys: ApiKey,
    batchFields: BatchField,
    compressionTypes: Object.fromEntries(
      Object.entries(CompressionType).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number',
      ),
    ),
    errorCodes: ErrorCode,
    logOverhead: LOG_OVERHEAD,
    recordBatchOverhead: RECORD_BATCH_OVERHEAD,
    currentMagic: CURRENT_MAGIC,
    attributeMasks: {
      COMPRESSION_CODEC_MASK,
      TIMESTAMP_TYPE_MASK,
      TRANSACTIONAL_FLAG_MASK,
      CONTROL_FLAG_MASK,
      DELETE_HORIZON_FLAG_MASK,
    },
  };
}

export const ALLOW_MARKER = 'protocol-constants: allow';

/** Width in bytes of each RecordBatch field, to tell a batch-field read from any other read. */
const FIELD_WIDTH: Readonly<Record<string, number>> = {
  baseOffset: 8,
  length: 4,
  partitionLeaderEpoch: 4,
  magic: 1,
  crc: 4,
  attributes: 2,
  lastOffsetDelta: 4,
  baseTimestamp: 8,
  maxTimestamp: 8,
  producerId: 8,
  producerEpoch: 2,
  baseSequence: 4,
  recordsCount: 4,
};

/**
 * Fields whose offsets are too common to flag in an arbitrary read: 0, 8 and 12 are also where any
 * other structure's first fields sit (index entries, size prefixes).
 */
const AMBIGUOUS_READ_OFFSETS = new Set(['baseOffset', 'length', 'partitionLeaderEpoch']);

/** Protocol functions whose first argument is an API key, a codec or an error code. */
const API_KEY_FUNCTIONS = [
  'encodeRequest',
  'encodeResponse',
  'decodeResponse',
  'decodeRequestBody',
  'requestHeaderVersion',
  'responseHeaderVersion',
];
const CODEC_FUNCTIONS = ['codecFor', 'compressionTypeName'];
const ERROR_CODE_FUNCTIONS = ['createKafkaError', 'errorForCode', 'errorCodeName', 'kafkaErrors.get'];

/** Lower-case, without separators: `API_VERSIONS`, `apiVersions` and `ApiVersions` compare equal. */
function normalize(name: string): string {
  return name.replace(/[_$]/g, '').toLowerCase();
}

function invert(table: Readonly<Record<string, number>>): Map<number, string> {
  const byValue = new Map<number, string>();
  for (const [name, value] of Object.entries(table)) if (!byValue.has(value)) byValue.set(value, name);
  return byValue;
}

/**
 * Blanks out comments, string and template literals and regular expressions (keeping line breaks),
 * so the rules only see code.
 */
export function codeOnly(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  let i = 0;
  let lastSignificant = '';
  let lastWord = '';
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        else if (c !== '`' && source[j] === '\n') break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = c;
      continue;
    }
    const regexCanStart =
      lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) || lastWord === 'return';
    if (c === '/' && regexCanStart) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n') {
        if (source[j] === '\\') j++;
        else if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        else if (source[j] === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = '/';
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      let j = i;
      while (j < source.length && /[A-Za-z0-9_$]/.test(source[j])) j++;
      lastWord = source.slice(i, j);
      lastSignificant = 'a';
      i = j;
      continue;
    }
    if (!/\s/.test(c)) {
      lastSignificant = c;
      lastWord = '';
    }
    i++;
  }
  return out.join('');
}

/** Lines (1-based) covered by an allow marker: the marker's own line and the one after it. */
function allowedLines(source: string): Set<number> {
  const allowed = new Set<number>();
  source.split('\n').forEach((line, index) => {
    if (line.includes(ALLOW_MARKER)) {
      allowed.add(index + 1);
      allowed.add(index + 2);
    }
  });
  return allowed;
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas, with where each ends. */
function callArguments(code: string, open: number): { text: string; end: number }[] {
  const args: { text: string; end: number }[] = [];
  let depth = 0;
  let start = open + 1;
  const push = (end: number) => {
    const raw = code.slice(start, end);
    args.push({ text: raw.trim(), end: start + raw.trimEnd().length });
  };
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        push(i);
        return args;
      }
    } else if (c === ',' && depth === 1) {
      push(i);
      start = i + 1;
    }
  }
  return args;
}

/** The number in `N`, `x + N` or `N + x`, if the argument has that shape. */
function offsetLiteral(arg: string): number | undefined {
  const match = /^(?:[\w$.[\]]+\s*\+\s*)?(\d+)$/.exec(arg) ?? /^(\d+)\s*\+\s*[\w$.[\]]+$/.exec(arg);
  return match ? Number(match[1]) : undefined;
}

function literalValue(text: string): number {
  return text.startsWith('0x') || text.startsWith('0X') ? Number.parseInt(text.slice(2), 16) : Number(text);
}

export function findProtocolConstants(source: string, facts: ProtocolFacts): Finding[] {
  const code = codeOnly(source);
  const allowed = allowedLines(source);
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const findings = new Map<number, Finding>();

  const report = (index: number, length: number, message: string) => {
    let line = lineStarts.length;
    while (lineStarts[line - 1] > index) line--;
    if (allowed.has(line)) return;
    if (findings.has(index)) return;
    findings.set(index, {
      line,
      column: index - lineStarts[line - 1] + 1,
      text: source.slice(index, index + length).trim(),
      message,
    });
  };
  const each = (pattern: RegExp, onMatch: (match: RegExpExecArray) => void) => {
    for (const match of code.matchAll(pattern)) onMatch(match as RegExpExecArray);
  };

  const apiByKey = invert(facts.apiKeys);
  const apiByName = new Map(Object.keys(facts.apiKeys).map((name) => [normalize(name), name]));
  const errorByCode = invert(facts.errorCodes);
  const codecById = invert(facts.compressionTypes);
  const fieldByOffset = invert(facts.batchFields);
  const fieldByName = new Map(Object.keys(facts.batchFields).map((name) => [normalize(name), name]));

  const apiKeyMessage = (key: number) => {
    const name = apiByKey.get(key);
    return name === undefined
      ? `API key ${key} written as a number (no such API in @samsa/protocol's ApiKey; mark a deliberate one with '${ALLOW_MARKER}')`
      : `API key ${key} written as a number: use ApiKey.${name} from @samsa/protocol`;
  };
  // Other protocols' codes (the schema registry's REST error_code 40401) are not Kafka's.
  const isKafkaErrorCode = (value: number) => value !== 0 && errorByCode.has(value);
  const errorCodeMessage = (value: number) =>
    `error code ${value} (${errorByCode.get(value)}) written as a number: use ErrorCode.${errorByCode.get(value)} from @samsa/protocol`;
  const codecMessage = (id: number) =>
    `compression codec ${id} written as a number: use CompressionType.${codecById.get(id)} from @samsa/protocol`;
  const fieldMessage = (field: string) =>
    `RecordBatch field offset ${facts.batchFields[field]} (${field}) written as a number: use BatchField.${field} from @samsa/protocol`;

  // --- API keys -----------------------------------------------------------------------------------
  // `apiKey: 3`, `apiKey === 18`, `header.apiKey !== 0`, `requestApiKey = 1`
  each(/\b[\w$]*[aA]piKey\s*(?:===?|!==?|:|=(?!=|>))\s*(\d+)\b(?!\s*[.\]])/g, (m) =>
    report(m.index, m[0].length, apiKeyMessage(Number(m[1]))),
  );
  // `18 === apiKey`
  each(/\b(\d+)\s*(?:===?|!==?)\s*[\w$.]*[aA]piKey\b/g, (m) =>
    report(m.index, m[0].length, apiKeyMessage(Number(m[1]))),
  );
  // `switch (apiKey) { case 3: ... }`
  each(/\bswitch\s*\(([^)]*[aA]piKey[^)]*)\)\s*\{/g, (m) => {
    let depth = 0;
    const start = m.index + m[0].length - 1;
    for (let i = start; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) {
        const body = code.slice(start, i);
        for (const c of body.matchAll(/\bcase\s+(\d+)\s*:/g))
          report(start + (c.index ?? 0), c[0].length, apiKeyMessage(Number(c[1])));
        break;
      }
    }
  });
  // `encodeRequest(18, ...)`, `decodeResponse(3, ...)`
  each(new RegExp(`\\b(?:${API_KEY_FUNCTIONS.join('|')})\\s*(?:<[^>]*>)?\\(\\s*(\\d+)\\s*,`, 'g'), (m) =>
    report(m.index, m[0].length, apiKeyMessage(Number(m[1]))),
  );

  // --- Named constants and table members: `const PRODUCE = 0`, `OffsetCommit: 8`, `MAGIC_OFFSET = 16` ---
  each(
    /(?:\b(const|let|var)\s+)?\b([A-Za-z_$][\w$]*)\s*(=(?!=|>)|:)\s*(-?(?:0x[0-9a-fA-F]+|\d+))\b(?!\s*[.\]])/g,
    (m) => {
      const [, declaration, name, operator, literal] = m;
      if (operator === ':' && declaration) return; // a typed declaration, `const x: number`
      const value = literalValue(literal);
      const isConstantName = /^[A-Z][A-Z0-9_]*$/.test(name);
      const isMember = operator === ':' || /^[A-Z]/.test(name);
      if (!declaration && !isMember) return;
      const bare = normalize(name);

      const api = apiByName.get(bare.replace(/^apikey|apikey$|api$/g, ''));
      if (api !== undefined && facts.apiKeys[api] === value && (isConstantName || name === api)) {
        report(m.index, m[0].length, apiKeyMessage(value));
        return;
      }
      const error = isConstantName && name in facts.errorCodes ? name : undefined;
      if (error !== undefined && facts.errorCodes[error] === value && value !== 0) {
        report(m.index, m[0].length, errorCodeMessage(value));
        return;
      }
      const stripped = bare.replace(/^(?:offset|position|pos|batch|field)+|(?:offset|position|pos|at)$/g, '');
      const fieldName = fieldByName.get(stripped);
      if (fieldName !== undefined && facts.batchFields[fieldName] === value) {
        // `{ partitionLeaderEpoch: 12 }` is a header value; `PRODUCER_ID_OFFSET = 43` is the layout.
        if (isConstantName || stripped !== bare) {
          report(m.index, m[0].length, fieldMessage(fieldName));
          return;
        }
      }
      if (isConstantName && value === facts.recordBatchOverhead && /BATCH|HEADER|RECORD/.test(name)) {
        report(
          m.index,
          m[0].length,
          `RecordBatch header size ${value} written as a number: use RECORD_BATCH_OVERHEAD from @samsa/protocol`,
        );
        return;
      }
      if (isConstantName && value === facts.logOverhead && /OVERHEAD/.test(name)) {
        report(
          m.index,
          m[0].length,
          `LOG_OVERHEAD ${value} written as a number: use LOG_OVERHEAD from @samsa/protocol`,
        );
        return;
      }
      const codec = Object.keys(facts.compressionTypes).find(
        (c) => normalize(c) === bare && c.toLowerCase() !== 'none',
      );
      if (codec !== undefined && facts.compressionTypes[codec] === value) {
        report(m.index, m[0].length, codecMessage(value));
      }
    },
  );

  // --- RecordBatch fields read or written by offset: `readInt32BE(57)`, `buf.readInt16BE(off + 21)` ---
  each(/\b(?:read|write|get|set)(?:Big)?U?[Ii]nt(8|16|32|64)(?:BE|LE)?\s*\(/g, (m) => {
    const width = Number(m[1]) / 8;
    for (const arg of callArguments(code, m.index + m[0].length - 1)) {
      const offset = offsetLiteral(arg.text);
      if (offset === undefined) continue;
      const field = fieldByOffset.get(offset);
      if (field === undefined || AMBIGUOUS_READ_OFFSETS.has(field) || FIELD_WIDTH[field] !== width) continue;
      report(m.index, arg.end - m.index, fieldMessage(field));
    }
  });
  // `crc32c(batch, 21, end)`: the CRC covers the batch from its attributes on
  each(/\bcrc32c\s*\(\s*[^,()]+,\s*(?:[\w$.]+\s*\+\s*)?(\d+)\s*[,)]/g, (m) => {
    if (Number(m[1]) === facts.batchFields.attributes)
      report(
        m.index,
        m[0].length,
        `CRC start ${m[1]} written as a number: use CRC_START from @samsa/protocol`,
      );
  });
  // `batch[pos + 16]` (magic), `batch[pos + 21]` (attributes)
  each(/\[\s*[\w$.]+\s*\+\s*(\d+)\s*\]/g, (m) => {
    const field = fieldByOffset.get(Number(m[1]));
    if (field === 'magic' || field === 'attributes') report(m.index, m[0].length, fieldMessage(field));
  });
  // `batch[16] = 2`
  each(/\[\s*(?:[\w$.]+\s*\+\s*)?(\d+)\s*\]\s*(?:===?|!==?|=(?!=|>))\s*(\d+)\b/g, (m) => {
    if (fieldByOffset.get(Number(m[1])) === 'magic' && Number(m[2]) === facts.currentMagic)
      report(m.index, m[0].length, fieldMessage('magic'));
  });
  // `magic !== 2`, `batch[BatchField.magic] = 2`
  each(/\b[\w$]*magic[\w$]*\]?\s*(?:===?|!==?|=(?!=|>))\s*(\d+)\b/gi, (m) => {
    if (Number(m[1]) === facts.currentMagic)
      report(
        m.index,
        m[0].length,
        `magic byte ${m[1]} written as a number: use CURRENT_MAGIC from @samsa/protocol`,
      );
  });
  // `attributes & 0x07`, `attributes |= 0x10`
  const maskNames = invert(facts.attributeMasks);
  each(/\b[\w$]*[aA]ttr[\w$]*\)?\s*(?:&|\|)=?\s*(0x[0-9a-fA-F]+|\d+)\b/g, (m) => {
    const mask = maskNames.get(literalValue(m[1]));
    if (mask !== undefined)
      report(
        m.index,
        m[0].length,
        `batch attribute mask ${m[1]} written as a number: use ${mask} from @samsa/protocol`,
      );
  });

  // --- Compression codecs: `compression === 4`, `codec: 1`, `codecFor(2)` ---------------------------
  each(
    /\b[\w$]*(?:[cC]ompression(?:Type|Codec)?|[cC]odec)\s*(?:===?|!==?|:|=(?!=|>))\s*([0-9])\b(?!\s*[.\]])/g,
    (m) => {
      const id = Number(m[1]);
      if (codecById.has(id)) report(m.index, m[0].length, codecMessage(id));
    },
  );
  each(/\b([0-9])\s*(?:===?|!==?)\s*[\w$.]*(?:[cC]ompression(?:Type|Codec)?|[cC]odec)\b/g, (m) => {
    const id = Number(m[1]);
    if (codecById.has(id)) report(m.index, m[0].length, codecMessage(id));
  });
  each(new RegExp(`\\b(?:${CODEC_FUNCTIONS.join('|')})\\s*\\(\\s*(\\d+)\\s*\\)`, 'g'), (m) => {
    const id = Number(m[1]);
    if (codecById.has(id)) report(m.index, m[0].length, codecMessage(id));
  });

  // --- Error codes: `errorCode: 6`, `errorCode === 27`, `createKafkaError(3)`, `.errorCode).toBe(25)` ---
  each(/\b[\w$]*[eE]rror_?[cC]ode\s*(?:===?|!==?|:|=(?!=|>))\s*(-?\d+)\b(?!\s*[.\]])/g, (m) => {
    const value = Number(m[1]);
    if (isKafkaErrorCode(value)) report(m.index, m[0].length, errorCodeMessage(value));
  });
  each(/(?<![\w$.])(-?\d+)\s*(?:===?|!==?)\s*[\w$.]*[eE]rror_?[cC]ode\b/g, (m) => {
    const value = Number(m[1]);
    if (isKafkaErrorCode(value)) report(m.index, m[0].length, errorCodeMessage(value));
  });
  each(/[eE]rror_?[cC]ode\)\s*\.\s*(?:not\s*\.\s*)?to(?:Be|Equal|StrictEqual)\(\s*(-?\d+)\s*\)/g, (m) => {
    const value = Number(m[1]);
    if (isKafkaErrorCode(value)) report(m.index, m[0].length, errorCodeMessage(value));
  });
  each(
    new RegExp(`\\b(?:${ERROR_CODE_FUNCTIONS.join('|').replace('.', '\\.')})\\s*\\(\\s*(-?\\d+)\\b`, 'g'),
    (m) => {
      const value = Number(m[1]);
      if (isKafkaErrorCode(value)) report(m.index, m[0].length, errorCodeMessage(value));
    },
  );

  return [...findings.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}
