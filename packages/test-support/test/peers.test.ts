import { afterEach, describe, expect, it } from 'vitest';
import { peerMode, probeCommand, requirePeer } from '../src/peers.js';

const VARIABLE = 'SAMSA_TEST_SUPPORT_REQUIRE';

afterEach(() => {
  delete process.env[VARIABLE];
});

describe('peer detection', () => {
  it('probes a command by its exit status; a missing program is not there', () => {
    expect(probeCommand([process.execPath, '--version'])).toBe(true);
    expect(probeCommand([process.execPath, '-e', 'process.exit(3)'])).toBe(false);
    expect(probeCommand(['samsa-no-such-program-anywhere'])).toBe(false);
  });

  it('runs the tests of a present peer, skips those of a missing one, and fails them when required', () => {
    expect(peerMode(true, false)).toBe('run');
    expect(peerMode(true, true)).toBe('run');
    expect(peerMode(false, false)).toBe('skip');
    expect(peerMode(false, true)).toBe('fail');
  });

  it('reads the requirement from SAMSA_REQUIRE_PEERS or the variable a peer names', () => {
    const missing = () =>
      requirePeer('a-missing-peer', {
        available: false,
        hint: 'apt-get install -y a-missing-peer',
        requiredBy: VARIABLE,
      });
    expect(missing().mode).toBe('skip');
    process.env[VARIABLE] = '1';
    expect(missing().mode).toBe('fail');
    expect(requirePeer('node', { probe: [process.execPath, '--version'], hint: 'n/a' }).mode).toBe('run');
  });

  it('says what is missing and how to install it', () => {
    const peer = requirePeer('kcat-from-the-future', {
      probe: ['samsa-no-such-program-anywhere'],
      hint: 'apt-get install -y kcat',
      reason: 'not on PATH',
    });
    expect(peer.available).toBe(false);
    expect(peer.missingMessage).toBe(
      'kcat-from-the-future is not installed (not on PATH). Install it: apt-get install -y kcat',
    );
    expect(() => peer.check()).toThrow(/Install it: apt-get install -y kcat \(SAMSA_REQUIRE_PEERS=1 makes/);
  });
});

let bodyRan = false;
requirePeer('node', { probe: [process.execPath, '--version'], hint: 'n/a' }).describe(
  'a present peer',
  () => {
    bodyRan = true;
    it('has its describe body collected and run', () => {
      expect(bodyRan).toBe(true);
    });
  },
);
