import { SchemaRegistryClient, startRegistryServer } from '@samsa/schema-registry';
import { describe, expect, it } from 'vitest';
import { decodePlain, RecordDisplay } from '../../../src/server/operations/record-display.js';

describe('decodePlain', () => {
  it('tells JSON from text from bytes', () => {
    expect(decodePlain(Buffer.from('{"a":1}'))).toEqual({ format: 'json', text: '{"a":1}' });
    expect(decodePlain(Buffer.from(' [1, 2]'))).toEqual({ format: 'json', text: ' [1, 2]' });
    expect(decodePlain(Buffer.from('{not json'))).toEqual({ format: 'string', text: '{not json' });
    expect(decodePlain(Buffer.from('héllo\tworld\n'))).toEqual({ format: 'string', text: 'héllo\tworld\n' });
    expect(decodePlain(Buffer.from([0xff, 0xfe, 0x00]))).toEqual({ format: 'bytes', text: 'fffe00' });
    expect(decodePlain(Buffer.from('a\u0001b'))).toEqual({ format: 'bytes', text: '610162' });
  });
});

describe('RecordDisplay', () => {
  it('decodes Avro through the registry with schema id, subject and version; explains what it cannot decode', async () => {
    const registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
    try {
      const client = new SchemaRegistryClient({ url: registry.url });
      const id = await client.register('t-value', {
        schema: {
          type: 'record',
          name: 'R',
          fields: [
            { name: 'b', type: 'bytes' },
            { name: 'n', type: 'long' },
          ],
        },
      });
      const display = new RecordDisplay(client);
      // Avro body: bytes of length 2 (zigzag 4) "hi", long 21 (zigzag 42).
      const data = Buffer.from([0, 0, 0, 0, id, 4, 0x68, 0x69, 42]);
      expect(await display.decode('t', data)).toEqual({
        format: 'avro',
        text: '{"b":"hi","n":21}',
        schemaId: id,
        subject: 't-value',
        version: 1,
      });
      const unknownId = Buffer.from([0, 0, 0, 0, 99, 1]);
      const unknown = await display.decode('t', unknownId);
      expect(unknown).toMatchObject({ format: 'bytes', text: '000000006301' });
      expect(unknown.note).toContain('schema id 99');
      expect(await display.decode('t', null)).toEqual({ format: 'null', text: '' });
      expect(display.topicsSeenWith(id)).toEqual(['t']);
      const without = await new RecordDisplay(null).decode('t', data);
      expect(without.note).toContain('--registry');
    } finally {
      await registry.close();
    }
  });
});
