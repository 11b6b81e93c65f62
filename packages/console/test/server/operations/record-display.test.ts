import { SchemaRegistryClient, startRegistryServer } from '@samsa/schema-registry';
import { describe, expect, it } from 'vitest';
import { RecordDisplay } from '../../../src/server/operations/record-display.js';

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
      expect(display.topicsSeenWith(99)).toEqual([]);
      const without = await new RecordDisplay(null).decode('t', data);
      expect(without).toMatchObject({ format: 'bytes' });
      expect(without.note).toContain('schema registry');
    } finally {
      await registry.close();
    }
  });

  it('reads headers as JSON, text or bytes, never through the registry', () => {
    expect(RecordDisplay.header(Buffer.from('{"a":1}'))).toEqual({ format: 'json', text: '{"a":1}' });
    expect(RecordDisplay.header(Buffer.from('héllo\tworld\n'))).toEqual({
      format: 'string',
      text: 'héllo\tworld\n',
    });
    expect(RecordDisplay.header(Buffer.from([0, 0, 0, 0, 1, 2]))).toEqual({
      format: 'bytes',
      text: '000000000102',
    });
    expect(RecordDisplay.header(null)).toEqual({ format: 'null', text: '' });
  });
});
