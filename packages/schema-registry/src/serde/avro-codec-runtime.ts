/**
 * The helpers at the top of every compiled Avro codec (see avro-codec.ts), as source: `buf` and `pos` are the
 * closure's cursor, `FALL_BACK` and `EMPTY` are parameters of the generated function. They mirror avsc's Tap, with
 * bounds checks that throw `FALL_BACK` where avsc would mark its Tap invalid.
 */
export const PRELUDE = `
'use strict';
let buf = EMPTY;
let pos = 0;
/** The message as latin1, made on the first short string read from it; textStart is -1 for a large message. */
let text;
let textStart = -1;
const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function readLong() {
  let b = buf[pos++];
  if (b < 0x80) return (b >>> 1) ^ -(b & 1);
  let n = b & 0x7f;
  let k = 7;
  do {
    b = buf[pos++];
    n |= (b & 0x7f) << k;
    k += 7;
  } while (b & 0x80 && k < 28);
  if (b & 0x80) {
    let f = n;
    let fk = 268435456;
    do {
      b = buf[pos++];
      f += (b & 0x7f) * fk;
      fk *= 128;
    } while (b & 0x80);
    return (f % 2 ? -(f + 1) : f) / 2;
  }
  return (n >> 1) ^ -(n & 1);
}
function readSafeLong() {
  const n = readLong();
  if (!(n >= -9007199254740990 && n <= 9007199254740990)) throw FALL_BACK;
  return n;
}
function readLength() {
  const n = readLong();
  if (n < 0 || n > buf.length - pos) throw FALL_BACK;
  return n;
}
function skipLength() {
  const n = readLength();
  pos += n;
}
function readBlockCount() {
  let n = readLong();
  if (n < 0) {
    n = -n;
    readLong();
  }
  return n;
}
function readFloat() {
  if (pos + 4 > buf.length) throw FALL_BACK;
  const v = buf.readFloatLE(pos);
  pos += 4;
  return v;
}
function readDouble() {
  if (pos + 8 > buf.length) throw FALL_BACK;
  const v = buf.readDoubleLE(pos);
  pos += 8;
  return v;
}
function readBytes(n) {
  const out = Buffer.allocUnsafe(n);
  buf.copy(out, 0, pos, pos + n);
  pos += n;
  return out;
}
function readString() {
  const n = readLength();
  const p = pos;
  const end = (pos += n);
  // Short ASCII strings are cut from the message decoded once as latin1 (a substring stays in JavaScript, where
  // each Buffer#utf8Slice call would cross into C++).
  const b = buf;
  if (n > 64 || textStart < 0) return b.utf8Slice(p, end);
  for (let i = p; i < end; i++) if (b[i] > 0x7f) return b.utf8Slice(p, end);
  if (text === undefined) text = b.latin1Slice(textStart, b.length);
  return text.substring(p - textStart, end - textStart);
}
function writeLong(n) {
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      buf[pos++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    buf[pos++] = m;
  } else {
    let f = n >= 0 ? n * 2 : -n * 2 - 1;
    while (f >= 128) {
      buf[pos++] = (f & 0x7f) | 0x80;
      f /= 128;
    }
    buf[pos++] = f;
  }
}
function writeFloat(v) {
  f32[0] = v;
  buf[pos] = f32b[0];
  buf[pos + 1] = f32b[1];
  buf[pos + 2] = f32b[2];
  buf[pos + 3] = f32b[3];
  pos += 4;
}
function writeDouble(v) {
  f64[0] = v;
  buf[pos] = f64b[0];
  buf[pos + 1] = f64b[1];
  buf[pos + 2] = f64b[2];
  buf[pos + 3] = f64b[3];
  buf[pos + 4] = f64b[4];
  buf[pos + 5] = f64b[5];
  buf[pos + 6] = f64b[6];
  buf[pos + 7] = f64b[7];
  pos += 8;
}
function writeBytes(v, n) {
  if (pos + n <= buf.length) buf.set(v, pos);
  pos += n;
}
/** Writes s from character i as UTF-8 at p; returns the end. */
function writeUtf8(s, i, p) {
  const b = buf;
  const n = s.length;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) b[p++] = c;
    else if (c < 0x800) {
      b[p++] = (c >> 6) | 0xc0;
      b[p++] = (c & 0x3f) | 0x80;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate goes to avsc, which writes it differently in short and long strings.
      const c2 = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(c2 >= 0xdc00 && c2 <= 0xdfff)) throw FALL_BACK;
      c = 0x10000 + ((c & 0x3ff) << 10) + (c2 & 0x3ff);
      i++;
      b[p++] = (c >> 18) | 0xf0;
      b[p++] = ((c >> 12) & 0x3f) | 0x80;
      b[p++] = ((c >> 6) & 0x3f) | 0x80;
      b[p++] = (c & 0x3f) | 0x80;
    } else {
      b[p++] = (c >> 12) | 0xe0;
      b[p++] = ((c >> 6) & 0x3f) | 0x80;
      b[p++] = (c & 0x3f) | 0x80;
    }
  }
  return p;
}
function writeString(s) {
  const n = s.length;
  if (n > 64) {
    const len = Buffer.byteLength(s);
    writeLong(len);
    if (pos + len <= buf.length) buf.utf8Write(s, pos, len);
    pos += len;
    return;
  }
  // Written after a one-byte length (room for 63 bytes), moved by a byte in the rare case it needs two.
  const b = buf;
  const start = pos + 1;
  // Copied as ASCII, checked once at the end (an OR per character costs less than a branch); a string with
  // anything else is written again as UTF-8.
  let high = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    high |= c;
    b[start + i] = c;
  }
  const p = high < 0x80 ? start + n : writeUtf8(s, 0, start);
  const len = p - start;
  if (len < 64) {
    b[pos] = len << 1;
    pos = p;
  } else {
    b.copyWithin(start + 1, start, p);
    b[pos] = ((len << 1) & 0x7f) | 0x80;
    b[pos + 1] = len >> 6;
    pos = p + 1;
  }
}
`;
