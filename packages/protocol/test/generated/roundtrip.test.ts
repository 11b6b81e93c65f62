import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiCodecs, protocolSpec, Reader, Writer } from '../../src/index.js';
import { messageArbitrary } from '../support/spec-arbitrary.js';

/** Buffers compare by content; decoders return views into the frame. */
function normalize(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { bytes: value.toString('hex') };
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

describe('every API, version and direction round-trips', () => {
  for (const api of protocolSpec) {
    for (const direction of ['request', 'response'] as const) {
      const spec = api[direction];
      const codec = apiCodecs.get(api.apiKey)![direction];
      for (let v = spec.validVersions[0]; v <= spec.validVersions[1]; v++) {
        it(`${api.name} ${direction} v${v}`, () => {
          fc.assert(
            fc.property(messageArbitrary(spec, v), (message) => {
              const w = new Writer();
              codec.encode[v]!(w, message);
              const bytes = w.toBuffer();
              const r = new Reader(bytes);
              const decoded = codec.decode[v]!(r);
              expect(r.pos).toBe(bytes.length);
              expect(normalize(decoded)).toEqual(normalize(message));
              // Re-encoding what was decoded gives the same bytes.
              const again = new Writer();
              codec.encode[v]!(again, decoded);
              expect(again.toBuffer().equals(bytes)).toBe(true);
            }),
            { numRuns: 25 },
          );
        });
      }
    }
  }
});
