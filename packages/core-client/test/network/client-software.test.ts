import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_SOFTWARE_NAME,
  CLIENT_SOFTWARE_VERSION,
  kip511Version,
} from '../../src/network/client-software.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('client software name and version (KIP-511)', () => {
  it("is the package's version from package.json", () => {
    expect(CLIENT_SOFTWARE_NAME).toBe('samsa');
    expect(CLIENT_SOFTWARE_VERSION).toBe(pkg.version);
  });

  it('keeps to the characters brokers accept', () => {
    expect(kip511Version('1.2.3')).toBe('1.2.3');
    expect(kip511Version('1.0.0-beta.1')).toBe('1.0.0-beta.1');
    expect(kip511Version('1.0.0+build.5')).toBe('1.0.0-build.5');
    expect(kip511Version('v2_0 ')).toBe('v2-0');
  });
});
