import { spawnSync } from 'node:child_process';

/**
 * Whether a command-line interop peer is installed. A missing peer skips its tests with a hint,
 * unless SAMSA_REQUIRE_PEERS=1 (CI), where it fails them instead.
 */
export function hasPeer(command: string, installHint: string): boolean {
  const found = spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
  if (!found) {
    const message = `${command} not found: install it with \`${installHint}\` to run its interop tests`;
    if (process.env.SAMSA_REQUIRE_PEERS === '1') throw new Error(message);
    console.warn(`skipping: ${message}`);
  }
  return found;
}
