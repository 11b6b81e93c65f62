import { describe, expect, it } from 'vitest';
import {
  DUPLICATE_URLS,
  decodeElection,
  decodeIdentity,
  electLeader,
  encodeElection,
  encodeIdentity,
  identityFromUrl,
  identityUrl,
  NO_ERROR,
} from '../../../src/server/kafka/sr-protocol.js';

describe("Confluent's sr group protocol", () => {
  it("encodes identities as Confluent's SchemaRegistryIdentity JSON and reads Confluent's back", () => {
    const identity = identityFromUrl('http://registry-1:8081', true);
    expect(encodeIdentity(identity).toString()).toBe(
      '{"version":1,"host":"registry-1","port":8081,"master_eligibility":true,"scheme":"http"}',
    );
    // As a Confluent instance writes it (scheme missing in old versions means http).
    expect(
      decodeIdentity(Buffer.from('{"version":1,"host":"sr-2","port":8082,"master_eligibility":false}')),
    ).toEqual({ host: 'sr-2', port: 8082, scheme: 'http', leaderEligibility: false });
    expect(decodeIdentity(Buffer.from('not json'))).toBeNull();
    expect(identityUrl(identityFromUrl('https://[::1]', true))).toBe('https://[::1]:443');
    expect(() => identityFromUrl('ftp://x', true)).toThrow(/http/);
  });

  it('elects the eligible member with the smallest URL, and tells everyone the same', () => {
    const members = [
      { memberId: 'm-c', identity: identityFromUrl('http://c:8081', true) },
      { memberId: 'm-a', identity: identityFromUrl('http://a:8081', false) },
      { memberId: 'm-b', identity: identityFromUrl('http://b:8081', true) },
      { memberId: 'other', identity: null },
    ];
    const result = electLeader(members);
    expect(result).toMatchObject({ error: NO_ERROR, leaderMemberId: 'm-b' });
    const bytes = encodeElection(result);
    expect(JSON.parse(bytes.toString())).toEqual({
      version: 1,
      error: 0,
      master: 'm-b',
      master_identity: { version: 1, host: 'b', port: 8081, master_eligibility: true, scheme: 'http' },
    });
    expect(decodeElection(bytes)).toEqual(result);
  });

  it('reports no leader without eligible members, and DUPLICATE_URLS when two advertise one URL', () => {
    const none = electLeader([{ memberId: 'm', identity: identityFromUrl('http://a:1', false) }]);
    expect(none).toEqual({ error: NO_ERROR, leaderMemberId: null, leader: null });
    expect(JSON.parse(encodeElection(none).toString())).toEqual({ version: 1, error: 0 });
    const duplicate = electLeader([
      { memberId: 'm1', identity: identityFromUrl('http://localhost:8081', true) },
      { memberId: 'm2', identity: identityFromUrl('http://localhost:8081', true) },
    ]);
    expect(duplicate.error).toBe(DUPLICATE_URLS);
    expect(decodeElection(encodeElection(duplicate)).error).toBe(DUPLICATE_URLS);
  });
});
