/** What the generated decoders report for a null where the message's definition allows none. */
import { describe, expect, it } from 'vitest';
import { ApiKey, apiCodecs, ProtocolDecodeError, Reader, Writer } from '../src/index.js';

describe('nullArray', () => {
  it('reports a null non-nullable array as NULL_ARRAY, naming the message and field', () => {
    // OffsetFetchResponse v5: throttle time, then Topics (not nullable in Kafka's definition) as -1.
    const w = new Writer();
    w.int32(0);
    w.int32(-1);
    w.int16(0);
    const decode = apiCodecs.get(ApiKey.OffsetFetch)!.response.decode[5]!;
    let error: unknown;
    try {
      decode(new Reader(w.toBuffer()));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    expect(error).toMatchObject({ reason: 'NULL_ARRAY' });
    expect((error as Error).message).toContain('OffsetFetchResponse: Topics is null');
  });
});
