/**
 * Who the client says it is in ApiVersions (KIP-511); brokers show it in their metrics and logs.
 * The version comes from this package's package.json, which sits two levels above this file both
 * in the sources (src/network/) and in the published build (dist/network/).
 */
import { createRequire } from 'node:module';

export const CLIENT_SOFTWARE_NAME = 'samsa';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * `packageVersion` in the characters KIP-511 allows (letters, digits, '.' and '-', starting and ending
 * with a letter or digit): brokers refuse ApiVersions otherwise, so `1.0.0+abc` goes as `1.0.0-abc`.
 */
export function kip511Version(packageVersion: string): string {
  return packageVersion.replace(/[^a-zA-Z0-9.-]/g, '-').replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
}

export const CLIENT_SOFTWARE_VERSION = kip511Version(version);
