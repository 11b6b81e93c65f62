import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { parseProperties, readPropertiesFile } from '../src/properties.js';

describe('parseProperties', () => {
  it('reads Java properties: separators, comments, continuations, escapes, with line numbers', () => {
    const text = [
      '# client.properties',
      'bootstrap.servers=kafka-1:9092,kafka-2:9092',
      '! another comment',
      'security.protocol : SASL_SSL',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\',
      '    username="alice" password="s3cr=t";',
      'key\\=with\\ equals value\\twith tab',
      '',
    ].join('\n');
    expect(parseProperties(text)).toEqual([
      { key: 'bootstrap.servers', value: 'kafka-1:9092,kafka-2:9092', line: 2 },
      { key: 'security.protocol', value: 'SASL_SSL', line: 4 },
      {
        key: 'sasl.jaas.config',
        value:
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr=t";',
        line: 5,
      },
      { key: 'key=with equals', value: 'value\twith tab', line: 7 },
    ]);
  });
});

describe('readPropertiesFile', () => {
  it('reads a file, and names the option and path when it cannot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'props-'));
    writeFileSync(join(dir, 'a.properties'), 'client.id=x\n');
    expect(await readPropertiesFile(join(dir, 'a.properties'))).toEqual([
      { key: 'client.id', value: 'x', line: 1 },
    ]);
    const err = await readPropertiesFile(join(dir, 'missing.properties')).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`--config ${join(dir, 'missing.properties')}: no such file`);
  });
});
