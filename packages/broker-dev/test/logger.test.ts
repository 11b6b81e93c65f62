/**
 * Client-controlled text in the broker's log: escaped so one message stays one line and no terminal
 * control sequence gets through, whichever logger the broker writes to.
 */
import { connect } from 'node:net';
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import { type Logger, startBroker } from '../src/index.js';
import { escapeControlCharacters, escapingLogger, streamLogger } from '../src/logger.js';

/** Any C0/C1 control, DEL, line separator or bidi override. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const FORGED_CLIENT_ID = 'app\n12:00:00.000 ERROR broker compromised\r\u001b[2J\u001b[31mred\u2028\u202etxt';

/** A request frame with a raw header (v1: api key, version, correlation id, client id). */
function requestFrame(apiKey: number, apiVersion: number, clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(apiKey, 4);
  frame.writeInt16BE(apiVersion, 6);
  frame.writeInt32BE(1, 8);
  frame.writeInt16BE(id.length, 12);
  id.copy(frame, 14);
  return frame;
}

describe('escapeControlCharacters', () => {
  it('writes controls, separators and bidi overrides as escapes and leaves other text alone', () => {
    expect(escapeControlCharacters(FORGED_CLIENT_ID)).toBe(
      'app\\n12:00:00.000 ERROR broker compromised\\r\\x1b[2J\\x1b[31mred\\u2028\\u202etxt',
    );
    expect(escapeControlCharacters('\u0000\u007f\u009b\t')).toBe('\\x00\\x7f\\x9b\\t');
    const plain = 'group orders-1: member consumer-1-7f3a joined (ünïcode, 日本, emoji 🙂)';
    expect(escapeControlCharacters(plain)).toBe(plain);
  });

  it('streamLogger through escapingLogger writes exactly one line per message', () => {
    const lines: string[] = [];
    const logger = escapingLogger(streamLogger('debug', { write: (line: string) => lines.push(line) }));
    logger.warn(`client ${FORGED_CLIENT_ID} misbehaved`);
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(UNSAFE.test(lines[0].slice(0, -1))).toBe(false);
  });
});

describe('client-supplied values in broker log lines', () => {
  it('a client id with a newline and ANSI escapes reaches the logger escaped', async () => {
    const messages: string[] = [];
    const capture = (m: string) => messages.push(m);
    const logger: Logger = { debug: capture, info: capture, warn: capture, error: capture };
    const broker = await startBroker({ logger });
    try {
      const [host, port] = broker.bootstrap[0].split(':');
      const socket = connect({ host, port: Number(port) });
      socket.on('error', () => {});
      // An unsupported Produce version: the broker closes the connection, logging the client id.
      // protocol-constants: allow 99 is a version no broker speaks
      socket.write(requestFrame(ApiKey.Produce, 99, FORGED_CLIENT_ID));
      await waitFor('the broker to log the client id', () =>
        messages.some((m) => m.includes('broker compromised')),
      );
      socket.destroy();
      const logged = messages.find((m) => m.includes('broker compromised'))!;
      expect(logged).toContain('app\\n12:00:00.000 ERROR broker compromised\\r\\x1b[2J');
      for (const message of messages) expect(UNSAFE.test(message), message).toBe(false);
    } finally {
      await broker.stop();
    }
  });
});
