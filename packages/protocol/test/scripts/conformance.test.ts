/**
 * The conformance check compares protocolSpec with Kafka's message definitions. It runs
 * against the real definitions when a copy is available (SAMSA_KAFKA_MESSAGE_SPECS, or the
 * reference copy next to the repository), and always against a synthetic copy written from the
 * spec itself, where a seeded difference must be reported.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConformance, NEWER_THAN_DEFINITIONS } from '../../scripts/conformance.js';
import { type FieldSpec, protocolSpec, type VersionRange } from '../../src/index.js';

const referenceDir =
  process.env.SAMSA_KAFKA_MESSAGE_SPECS ??
  fileURLToPath(new URL('../../../../../shared/reference/kafka-message-specs', import.meta.url));

const range = (r: VersionRange) => (r[1] === null ? `${r[0]}+` : `${r[0]}-${r[1]}`);

function toKafkaField(f: FieldSpec): Record<string, unknown> {
  return {
    name: f.name,
    type: f.type,
    versions: range(f.versions),
    ...(f.nullableVersions && { nullableVersions: range(f.nullableVersions) }),
    ...(f.taggedVersions && { taggedVersions: range(f.taggedVersions), tag: f.tag }),
    ...(f.default !== undefined && { default: f.default === null ? 'null' : String(f.default) }),
    ...(f.fields && { fields: f.fields.map(toKafkaField) }),
  };
}

const synthetic = mkdtempSync(join(tmpdir(), 'samsa-specs-'));
for (const api of protocolSpec) {
  for (const [direction, spec] of [
    ['Request', api.request],
    ['Response', api.response],
  ] as const) {
    const json = {
      apiKey: api.apiKey,
      type: direction.toLowerCase(),
      name: `${api.name}${direction}`,
      validVersions: `${spec.validVersions[0]}-${spec.validVersions[1]}`,
      flexibleVersions: spec.flexibleVersions === null ? 'none' : `${spec.flexibleVersions}+`,
      fields: spec.fields.map(toKafkaField),
    };
    writeFileSync(
      join(synthetic, `${api.name}${direction}.json`),
      `// comment\n${JSON.stringify(json, null, 2)}`,
    );
  }
}
afterAll(() => rmSync(synthetic, { recursive: true, force: true }));

describe('conformance check', () => {
  it('agrees with a definition set written from the spec', () => {
    expect(checkConformance(synthetic)).toEqual([]);
  });

  it('reports a changed type, a missing field and a wrong flexible version', () => {
    const file = join(synthetic, 'ProduceRequest.json');
    const original = JSON.parse(readFileSync(file, 'utf8').replace('// comment\n', ''));
    const changed = structuredClone(original);
    changed.fields[1].type = 'int32';
    changed.fields[3].fields[1].fields.pop();
    changed.flexibleVersions = '8+';
    writeFileSync(file, JSON.stringify(changed));
    try {
      const problems = checkConformance(synthetic);
      expect(problems.some((p) => p.includes('Acks') && p.includes('int32'))).toBe(true);
      expect(problems.some((p) => p.includes('Records'))).toBe(true);
      expect(problems.some((p) => p.includes('flexible'))).toBe(true);
    } finally {
      writeFileSync(file, JSON.stringify(original));
    }
  });

  it('skips only the versions listed as newer than the definitions, and only when they stop short', () => {
    const file = join(synthetic, 'ConsumerGroupDescribeResponse.json');
    const original = JSON.parse(readFileSync(file, 'utf8').replace('// comment\n', ''));
    const older = structuredClone(original);
    older.validVersions = '0';
    writeFileSync(file, JSON.stringify(older));
    const produce = join(synthetic, 'ProduceResponse.json');
    const produceOriginal = readFileSync(produce, 'utf8');
    const olderProduce = JSON.parse(produceOriginal.replace('// comment\n', ''));
    olderProduce.validVersions = '0-8';
    writeFileSync(produce, JSON.stringify(olderProduce));
    try {
      expect(NEWER_THAN_DEFINITIONS.ConsumerGroupDescribeResponse?.versions).toEqual([1]);
      const problems = checkConformance(synthetic);
      expect(problems.filter((p) => p.startsWith('ConsumerGroupDescribe'))).toEqual([]);
      expect(problems.some((p) => p.startsWith('ProduceResponse') && p.includes('outside'))).toBe(true);
    } finally {
      writeFileSync(file, JSON.stringify(original));
      writeFileSync(produce, produceOriginal);
    }
  });

  it.skipIf(!existsSync(referenceDir))('agrees with Apache Kafka’s own message definitions', () => {
    expect(checkConformance(referenceDir)).toEqual([]);
  });
  if (!existsSync(referenceDir)) {
    console.warn(
      `skipping the check against Kafka's definitions: set SAMSA_KAFKA_MESSAGE_SPECS to clients/src/main/resources/common/message of an apache/kafka checkout`,
    );
  }
});
