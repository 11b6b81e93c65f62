/**
 * Compares `protocolSpec` with a directory of Kafka's own message definitions
 * (clients/src/main/resources/common/message/*.json) and reports every difference in the
 * versions Samsa implements: field names, order, types, nullability, tags, defaults and
 * flexible versions.
 *
 *   npm run conformance -w @samsa/protocol -- /path/to/kafka/clients/src/main/resources/common/message
 *
 * Exit code 0 when the two agree, 1 when they differ, 2 on bad usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { protocolSpec } from '../src/spec/index.js';
import type { FieldSpec, MessageSpec, VersionRange } from '../src/spec/types.js';

interface KafkaField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  default?: string | number | boolean;
  fields?: KafkaField[];
}

interface KafkaMessage {
  apiKey: number;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: KafkaField[];
  commonStructs?: { name: string; fields: KafkaField[] }[];
}

/** Kafka's files are JSON with `//` comments; strip comments outside strings. */
export function parseJsonWithComments(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return JSON.parse(out);
}

function parseRange(s: string | undefined): VersionRange | undefined {
  if (s === undefined || s === 'none') return undefined;
  if (s.endsWith('+')) return [Number(s.slice(0, -1)), null];
  const [lo, hi] = s.split('-');
  return [Number(lo), Number(hi ?? lo)];
}

const inRange = (r: VersionRange | undefined, v: number) =>
  r !== undefined && v >= r[0] && (r[1] === null || v <= r[1]);

/** A field as it looks on the wire at one version, for comparison. */
interface FlatField {
  path: string;
  type: string;
  nullable: boolean;
  tag: number | null;
  default: string;
}

function normalizeDefault(d: unknown, type: string): string {
  if (d === undefined || d === '') return '';
  if (d === 'null' || d === null) return 'null';
  if (typeof d === 'string' && /^0x[0-9a-f]+$/i.test(d)) return String(Number.parseInt(d, 16));
  if (typeof d === 'string' && type !== 'string' && !Number.isNaN(Number(d))) return String(Number(d));
  return String(d);
}

function flattenKafka(
  fields: KafkaField[],
  common: Map<string, KafkaField[]>,
  v: number,
  prefix: string,
  out: FlatField[],
) {
  for (const f of fields) {
    if (!inRange(parseRange(f.versions), v)) continue;
    const path = `${prefix}${f.name}`;
    const tagged = inRange(parseRange(f.taggedVersions), v);
    out.push({
      path,
      type: f.type,
      nullable: inRange(parseRange(f.nullableVersions), v),
      tag: tagged ? Number(f.tag) : null,
      default: normalizeDefault(f.default, f.type),
    });
    const base = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    const sub = f.fields ?? common.get(base);
    if (sub) flattenKafka(sub, common, v, `${path}.`, out);
  }
}

function flattenOurs(fields: readonly FieldSpec[], v: number, prefix: string, out: FlatField[]) {
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue;
    const path = `${prefix}${f.name}`;
    out.push({
      path,
      type: f.type,
      nullable: inRange(f.nullableVersions, v),
      tag: inRange(f.taggedVersions, v) ? (f.tag ?? null) : null,
      default: normalizeDefault(f.default, f.type),
    });
    if (f.fields) flattenOurs(f.fields, v, `${path}.`, out);
  }
}

/**
 * Versions Samsa speaks that are newer than a set of definitions may be (the reference copy is
 * Kafka trunk of October 2024), each with where its layout comes from. A definitions directory that
 * has them checks them like any other version; one that stops short skips exactly these.
 */
export const NEWER_THAN_DEFINITIONS: Readonly<
  Record<string, { versions: readonly number[]; source: string }>
> = {
  ConsumerGroupDescribeRequest: { versions: [1], source: 'KIP-1099 (Kafka 4.0): same fields as v0' },
  ConsumerGroupDescribeResponse: {
    versions: [1],
    source: 'KIP-1099 (Kafka 4.0): Members[].MemberType int8, default -1, after TargetAssignment',
  },
};

function compareMessage(label: string, ours: MessageSpec, kafka: KafkaMessage, problems: string[]): void {
  const [lo, definedHi] = ours.validVersions;
  const theirs = parseRange(kafka.validVersions)!;
  const theirHi = theirs[1] ?? Number.POSITIVE_INFINITY;
  const newer = new Set(NEWER_THAN_DEFINITIONS[label]?.versions ?? []);
  let hi = definedHi;
  while (hi > theirHi && newer.has(hi)) hi--;
  if (lo < theirs[0] || hi > theirHi) {
    problems.push(`${label}: versions ${lo}-${definedHi} are outside Kafka's ${kafka.validVersions}`);
  }
  const theirFlex = parseRange(kafka.flexibleVersions);
  const theirFirstFlexible = theirFlex && theirFlex[0] <= hi ? theirFlex[0] : null;
  if (theirFirstFlexible !== ours.flexibleVersions) {
    problems.push(
      `${label}: flexible from ${ours.flexibleVersions} but Kafka says ${kafka.flexibleVersions}`,
    );
  }
  const common = new Map((kafka.commonStructs ?? []).map((s) => [s.name, s.fields]));
  for (let v = lo; v <= hi; v++) {
    const a: FlatField[] = [];
    const b: FlatField[] = [];
    flattenOurs(ours.fields, v, '', a);
    flattenKafka(kafka.fields, common, v, '', b);
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = JSON.stringify(a[i] ?? null);
      const y = JSON.stringify(b[i] ?? null);
      if (x !== y) problems.push(`${label} v${v}: field #${i}: ours ${x} vs Kafka ${y}`);
    }
  }
}

/** Returns every difference found; an empty list means the spec conforms. */
export function checkConformance(dir: string): string[] {
  const problems: string[] = [];
  for (const api of protocolSpec) {
    for (const direction of ['Request', 'Response'] as const) {
      const file = join(dir, `${api.name}${direction}.json`);
      if (!existsSync(file)) {
        problems.push(`${api.name}${direction}: ${file} not found`);
        continue;
      }
      const kafka = parseJsonWithComments(readFileSync(file, 'utf8')) as KafkaMessage;
      if (kafka.apiKey !== api.apiKey)
        problems.push(`${api.name}: API key ${api.apiKey} but Kafka says ${kafka.apiKey}`);
      const ours = direction === 'Request' ? api.request : api.response;
      compareMessage(`${api.name}${direction}`, ours, kafka, problems);
    }
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.error('usage: conformance <directory of Kafka message definitions (*.json)>');
    process.exit(2);
  }
  const problems = checkConformance(dir);
  for (const p of problems) console.log(p);
  const versions = protocolSpec.reduce(
    (n, api) => n + api.request.validVersions[1] - api.request.validVersions[0] + 1,
    0,
  );
  console.log(
    problems.length === 0
      ? `protocolSpec conforms: ${protocolSpec.length} APIs, ${versions} versions, both directions`
      : `${problems.length} differences`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
