import { describe, expect, it } from 'vitest';
import { clientInitialResponse } from '../../../src/auth/mechanisms/oauthbearer.js';
import { AuthenticationError } from '../../../src/index.js';

describe('OAUTHBEARER client initial response (RFC 7628 / KIP-255)', () => {
  it('is the GS2 header, ^A, auth=Bearer <token> ^A, then ^A', () => {
    expect(clientInitialResponse('tok.en.sig', undefined, undefined).toString('utf8')).toBe(
      'n,,\x01auth=Bearer tok.en.sig\x01\x01',
    );
  });

  it('carries the authorization identity, escaped as an RFC 5801 saslname', () => {
    expect(clientInitialResponse('t', undefined, 'svc=a,b').toString('utf8')).toBe(
      'n,a=svc=3Da=2Cb,\x01auth=Bearer t\x01\x01',
    );
  });

  it('sends extensions as key=value pairs after the token', () => {
    expect(
      clientInitialResponse('t', { logicalCluster: 'lkc-123', identityPoolId: 'pool-9' }, undefined).toString(
        'utf8',
      ),
    ).toBe('n,,\x01auth=Bearer t\x01logicalCluster=lkc-123\x01identityPoolId=pool-9\x01\x01');
  });

  it('refuses extension names that are not letters, "auth", and values with control characters', () => {
    expect(() => clientInitialResponse('t', { 'bad-key': 'v' }, undefined)).toThrow(AuthenticationError);
    expect(() => clientInitialResponse('t', { auth: 'v' }, undefined)).toThrow(/auth/);
    expect(() => clientInitialResponse('t', { ok: 'a\x01b' }, undefined)).toThrow(/printable/);
  });
});
