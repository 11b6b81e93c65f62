import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/index.js';
import { tlsAlertError } from '../../src/network/tls-alerts.js';

const withCode = (code: string) => Object.assign(new Error('alert'), { code });

describe('TLS alerts from the broker', () => {
  it('turns a refused client certificate into a non-retriable AuthenticationError saying what to set', () => {
    const err = tlsAlertError(withCode('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'node 1');
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err!.retriable).toBe(false);
    expect(err!.message).toMatch(/ssl\.cert and ssl\.key/);
    expect(tlsAlertError(withCode('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'node 1')!.message).toMatch(
      /client certificate/,
    );
  });

  it('names other alerts without guessing, and leaves other socket errors alone', () => {
    expect(tlsAlertError(withCode('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'), 'node 1')!.message).toMatch(
      /TLS version/,
    );
    expect(tlsAlertError(withCode('ECONNRESET'), 'node 1')).toBeNull();
    expect(tlsAlertError(new Error('no code'), 'node 1')).toBeNull();
  });
});
