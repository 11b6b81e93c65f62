/**
 * Every package npm would publish: its manifest says where it comes from, its tarball holds LICENSE, README and
 * types and nothing else it does not need, and publint and @arethetypeswrong/cli find nothing. Needs `dist`
 * (`npm test` builds first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attwFindings,
  manifestProblems,
  type PackResult,
  pack,
  publintFindings,
  publishedPackages,
  requiredFiles,
  root,
  unwantedFiles,
} from '../packaging.js';

const packages = publishedPackages();
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

describe('the repository', () => {
  it('has the Apache-2.0 licence text at its root', () => {
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('publishes with public access (scoped packages are restricted by default)', () => {
    const config = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8')) as {
      access: string;
    };
    expect(config.access).toBe('public');
  });

  it('publishes every package it is expected to, and keeps test-support and the demo private', () => {
    expect(packages.map((pkg) => pkg.manifest.name).sort()).toEqual(
      expect.arrayContaining([
        '@samsa/broker-dev',
        '@samsa/cli',
        '@samsa/cli-kit',
        '@samsa/core-client',
        '@samsa/nest',
        '@samsa/protocol',
        '@samsa/schema-registry',
      ]),
    );
    const names = packages.map((pkg) => pkg.manifest.name);
    expect(names).not.toContain('@samsa/test-support');
    expect(names).not.toContain('demo-orders');
  });
});

describe('unwantedFiles', () => {
  it('flags tests, benchmarks, fixtures and build configuration, and keeps what a user needs', () => {
    const files = [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'src/index.ts',
      'bin/samsa.js',
      'docs/consumer.md',
      'src/producer/producer.test.ts',
      'test/producer.test.ts',
      'bench/run.ts',
      'src/fixtures/tls/key.pem',
      'tsconfig.json',
      'vitest.config.ts',
      'dist/tsconfig.tsbuildinfo',
      'scripts/generate.ts',
    ];
    expect(unwantedFiles(files)).toEqual([
      'src/producer/producer.test.ts',
      'test/producer.test.ts',
      'bench/run.ts',
      'src/fixtures/tls/key.pem',
      'tsconfig.json',
      'vitest.config.ts',
      'dist/tsconfig.tsbuildinfo',
      'scripts/generate.ts',
    ]);
  });
});

describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (_name, pkg) => {
  let packed: PackResult;

  beforeAll(async () => {
    if (!existsSync(join(root, pkg.directory, 'dist'))) {
      throw new Error(`${pkg.directory}/dist is missing: run \`npm run build\` at the repository root first`);
    }
    packed = await pack(pkg);
  }, 120_000);
  afterAll(() => packed?.dispose());

  it('names its licence, repository (with directory), homepage, bugs and keywords, and has node10 types', () => {
    expect(manifestProblems(pkg)).toEqual([]);
  });

  it('ships the same LICENSE as the repository root', () => {
    expect(readFileSync(join(root, pkg.directory, 'LICENSE'), 'utf8')).toBe(license);
  });

  it('holds LICENSE, README, package.json, its entry points, their types and its bins', () => {
    const missing = requiredFiles(pkg.manifest).filter((file) => !packed.files.includes(file));
    expect(missing).toEqual([]);
    expect(packed.files.some((file) => /^dist\/.*\.d\.ts$/.test(file))).toBe(true);
  });

  it('holds nothing it does not need (no tests, benchmarks, fixtures or build configuration)', () => {
    expect(unwantedFiles(packed.files)).toEqual([]);
  });

  it('passes publint (strict)', async () => {
    expect(await publintFindings(pkg)).toEqual([]);
  }, 120_000);

  it('passes @arethetypeswrong/cli for node10, node16 and bundler resolution', async () => {
    expect(await attwFindings(packed.tarball)).toEqual([]);
  }, 180_000);
});
