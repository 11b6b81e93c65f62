/**
 * Decoders facing hostile bytes: random frames and mutations of valid ones (bit flips,
 * truncation, forged lengths) must either decode or raise a typed SamsaError — never another
 * exception, a hang, or an unbounded allocation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apiCodecs,
  decodeRequest,
  decodeResponse,
  FrameSplitter,
  protocolSpec,
  SamsaError,
  Writer,
} from '../src/index.js';
import { messageArbitrary } from './support/spec-arbitrary.js';

function expectOnlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof SamsaError)) throw err;
  }
}

const mutation = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'forge-length', 'splice'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  junk: fc.uint8Array({ maxLength: 16 }),
});

function mutate(bytes: Buffer, m: { kind: string; at: number; value: number; junk: Uint8Array }): Buffer {
  const out = Buffer.from(bytes);
  if (out.length === 0) return Buffer.from(m.junk);
  const at = m.at % out.length;
  switch (m.kind) {
    case 'flip':
      out[at] ^= m.value || 1;
      return out;
    case 'truncate':
      return out.subarray(0, at);
    case 'forge-length':
      // Lengths in Kafka frames are int16/int32/varints: write a huge or negative value.
      if (at + 4 <= out.length) out.writeInt32BE(m.value % 2 ? 0x7fffffff : -2, at);
      return out;
    default:
      return Buffer.concat([out.subarray(0, at), Buffer.from(m.junk), out.subarray(at)]);
  }
}

describe('decoders reject malformed input with typed errors only', () => {
  it('random request frames', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...protocolSpec.map((a) => a.apiKey)),
        fc.integer({ min: -1, max: 20 }),
        fc.uint8Array({ maxLength: 200 }),
        (apiKey, version, rest) => {
          const frame = Buffer.alloc(8 + rest.length);
          frame.writeInt16BE(apiKey, 0);
          frame.writeInt16BE(version, 2);
          frame.writeInt32BE(7, 4);
          frame.set(rest, 8);
          expectOnlyTypedErrors(() => decodeRequest(frame));
        },
      ),
      { numRuns: 3000 },
    );
  });

  for (const api of protocolSpec) {
    for (const direction of ['request', 'response'] as const) {
      it(`mutated ${api.name} ${direction}s`, () => {
        const spec = api[direction];
        const codec = apiCodecs.get(api.apiKey)![direction];
        const version = fc.integer({ min: spec.validVersions[0], max: spec.validVersions[1] });
        fc.assert(
          fc.property(
            version.chain((v) => fc.tuple(fc.constant(v), messageArbitrary(spec, v))),
            mutation,
            ([v, message], m) => {
              const w = new Writer();
              codec.encode[v]!(w, message);
              const body = mutate(w.toBuffer(), m);
              if (direction === 'response') {
                const frame = Buffer.concat([Buffer.from([0, 0, 0, 9]), body]);
                expectOnlyTypedErrors(() => decodeResponse(api.apiKey as 0, v, frame));
              } else {
                const header = Buffer.alloc(10);
                header.writeInt16BE(api.apiKey, 0);
                header.writeInt16BE(v, 2);
                header.writeInt32BE(9, 4);
                header.writeInt16BE(-1, 8);
                const flexibleHeader = spec.flexibleVersions !== null && v >= spec.flexibleVersions;
                const frame = Buffer.concat([
                  header,
                  flexibleHeader ? Buffer.from([0]) : Buffer.alloc(0),
                  body,
                ]);
                expectOnlyTypedErrors(() => decodeRequest(frame));
              }
            },
          ),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe('FrameSplitter', () => {
  it('reassembles frames from any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(
            payloads.map((p) => {
              const size = Buffer.alloc(4);
              size.writeInt32BE(p.length);
              return Buffer.concat([size, Buffer.from(p)]);
            }),
          );
          const splitter = new FrameSplitter();
          const frames: string[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length];
            splitter.push(stream.subarray(pos, pos + n), (f) => frames.push(Buffer.from(f).toString('hex')));
            pos += n;
          }
          expect(frames).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')));
          expect(splitter.buffered).toBe(0);
        },
      ),
    );
  });

  it('rejects negative and oversized frame sizes before buffering them', () => {
    const splitter = new FrameSplitter(1024);
    expect(() => splitter.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]), () => {})).toThrow(SamsaError);
    const big = new FrameSplitter(1024);
    expect(() => big.push(Buffer.from([0, 0, 0x10, 0]), () => {})).toThrow(/exceeds the limit/);
  });
});
