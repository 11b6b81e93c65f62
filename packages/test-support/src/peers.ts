/**
 * Interop peers: programs and libraries no one here wrote (kcat, the Python clients, the lz4/zstd tools,
 * a container runtime). A test that needs a missing peer skips with a message saying how to install it,
 * unless SAMSA_REQUIRE_PEERS=1 (set by .ci/run), where the missing peer fails the test instead: in CI a
 * missing peer is a failure, never a silent skip.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** Debian's Python, which has the python3-kafka and python3-confluent-kafka packages. */
export const PYTHON = '/usr/bin/python3';

export const REQUIRE_PEERS_VARIABLE = 'SAMSA_REQUIRE_PEERS';

export interface PeerOptions {
  /** How to install the peer, e.g. 'apt-get install -y kcat'. */
  hint: string;
  /** A command that exits 0 when the peer works, e.g. ['kcat', '-V'] (default: `<name> --version`). */
  probe?: readonly string[];
  /** Whether the peer is there, for peers no command can detect (a container runtime); overrides `probe`. */
  available?: boolean;
  /** Why the peer is missing, shown with the hint (e.g. the error a runtime probe gave). */
  reason?: string;
  /** The variable that, set to 1, makes a missing peer a failure (default SAMSA_REQUIRE_PEERS). */
  requiredBy?: string;
}

/** What happens to the tests of a peer: they run, they skip (with the hint), or one test fails. */
export type PeerMode = 'run' | 'skip' | 'fail';

export interface Peer {
  readonly name: string;
  readonly available: boolean;
  readonly mode: PeerMode;
  /** The message a missing peer gives: what is missing and how to install it. */
  readonly missingMessage: string;
  /** `describe(title, body)` when the peer is there; otherwise skipped with the hint, or failing when required. */
  describe(title: string, body: () => void): void;
  /** Throws the missing-peer message unless the peer is there. */
  check(): void;
}

/** Runs `command` and reports whether it exited 0 (a missing program is false, not an error). */
export function probeCommand(command: readonly string[]): boolean {
  const [program, ...args] = command;
  if (program === undefined) throw new TypeError('probeCommand needs a program to run');
  const result = spawnSync(program, args, { stdio: 'ignore', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** The mode for a peer, given whether it is there and whether missing peers must fail. */
export function peerMode(available: boolean, required: boolean): PeerMode {
  if (available) return 'run';
  return required ? 'fail' : 'skip';
}

/**
 * Declares an interop peer. Example:
 *
 *   const kcat = requirePeer('kcat', { probe: ['kcat', '-V'], hint: 'apt-get install -y kcat' });
 *   kcat.describe('kcat against the dev broker', () => { it(...) });
 */
export function requirePeer(name: string, options: PeerOptions): Peer {
  const available = options.available ?? probeCommand(options.probe ?? [name, '--version']);
  const requiredBy = options.requiredBy ?? REQUIRE_PEERS_VARIABLE;
  const mode = peerMode(available, process.env[requiredBy] === '1');
  const reason = options.reason ? ` (${options.reason})` : '';
  const missingMessage = `${name} is not installed${reason}. Install it: ${options.hint}`;
  const check = () => {
    if (!available) throw new Error(`${missingMessage} (${requiredBy}=1 makes a missing peer a failure)`);
  };
  return {
    name,
    available,
    mode,
    missingMessage,
    check,
    describe(title, body) {
      if (mode === 'run') {
        describe(title, body);
      } else if (mode === 'fail') {
        describe(title, () => {
          it(`needs ${name}`, check);
        });
      } else {
        console.warn(`[samsa] skipping "${title}": ${missingMessage}`);
        describe.skip(`${title} (skipped: ${missingMessage})`, body);
      }
    },
  };
}
