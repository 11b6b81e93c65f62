import { describe, expect, it } from 'vitest';
import { ScramClient } from '../../src/auth/scram.js';

describe('SCRAM client', () => {
  it('follows the RFC 5802 SCRAM-SHA-1 example', () => {
    const c = new ScramClient('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    expect(c.clientFirst()).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = c.clientFinal('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(final).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(() => c.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')).not.toThrow();
  });

  it('follows the RFC 7677 SCRAM-SHA-256 example', () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(c.clientFirst()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = c.clientFinal(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    expect(final).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => c.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('rejects a wrong server signature, a foreign nonce, too few iterations and server errors', () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    c.clientFirst();
    c.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(() => c.verifyServerFinal('v=AAAA')).toThrow(/signature/);
    const d = new ScramClient('sha256', 'user', 'pencil', 'abc');
    d.clientFirst();
    expect(() => d.clientFinal('r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(/nonce/);
    expect(() => d.clientFinal('r=abc123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000')).toThrow(/iterations/);
    expect(() => d.clientFinal('e=invalid-proof')).toThrow(/rejected/);
  });

  it('escapes "=" and "," in user names', () => {
    const c = new ScramClient('sha512', 'a=b,c', 'p', 'n1');
    expect(c.clientFirst()).toBe('n,,n=a=3Db=2Cc,r=n1');
  });
});
