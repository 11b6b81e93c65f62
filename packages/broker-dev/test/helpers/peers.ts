/**
 * Interop peers (kcat, Python clients): detection, and describe blocks that skip with an install
 * hint when a peer is missing, unless SAMSA_REQUIRE_PEERS=1, where a missing peer fails.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

export interface Peer {
  name: string;
  available: boolean;
  installHint: string;
}

function probe(command: string, args: string[]): boolean {
  try {
    return spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
  } catch {
    return false;
  }
}

export const PYTHON = '/usr/bin/python3';

export const kcat: Peer = {
  name: 'kcat',
  available: probe('kcat', ['-V']),
  installHint: 'apt-get install -y kcat (Debian: kcat 1.7.1 with librdkafka 2.0.2)',
};

export const kafkaPython: Peer = {
  name: 'kafka-python',
  available: probe(PYTHON, ['-c', 'import kafka']),
  installHint: `apt-get install -y python3-kafka (run with ${PYTHON})`,
};

export const confluentKafka: Peer = {
  name: 'confluent-kafka (Python)',
  available: probe(PYTHON, ['-c', 'import confluent_kafka']),
  installHint: `apt-get install -y python3-confluent-kafka (run with ${PYTHON})`,
};

const required = process.env.SAMSA_REQUIRE_PEERS === '1';

/** `describe` that runs when the peer exists; otherwise skips (or fails under SAMSA_REQUIRE_PEERS=1). */
export function describeWithPeer(peer: Peer, title: string, body: () => void): void {
  if (peer.available) {
    describe(title, body);
    return;
  }
  if (required) {
    describe(title, () => {
      it(`needs ${peer.name}`, () => {
        throw new Error(`${peer.name} is missing and SAMSA_REQUIRE_PEERS=1. Install it: ${peer.installHint}`);
      });
    });
    return;
  }
  console.warn(`[samsa] skipping "${title}": ${peer.name} is not installed. Install it: ${peer.installHint}`);
  describe.skip(`${title} (skipped: ${peer.name} missing; ${peer.installHint})`, body);
}
