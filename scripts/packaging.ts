/**
 * What a published package's tarball must hold and must not, and the external checks run over it (publint,
 * @arethetypeswrong/cli). `scripts/test/packaging.test.ts` runs all of it over every package that is not private;
 * `tsx scripts/packaging.ts` prints the same findings by hand.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);

export const root = resolve(fileURLToPath(import.meta.url), '../..');
export const CANONICAL_REPOSITORY = 'https://github.com/samsa-kafka/samsa';

type ExportTarget = { types?: string; default?: string; [condition: string]: string | undefined };

export interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  main?: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  exports?: Record<string, ExportTarget>;
  bin?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  keywords?: string[];
}

export interface WorkspacePackage {
  /** Relative to the repository root, e.g. `packages/core-client`. */
  directory: string;
  manifest: PackageJson;
}

/** Every workspace package that npm would publish (those not marked private). */
export function publishedPackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const directory = `${group}/${entry.name}`;
      const manifest = JSON.parse(readFileSync(join(root, directory, 'package.json'), 'utf8')) as PackageJson;
      if (!manifest.private) found.push({ directory, manifest });
    }
  }
  return found;
}

/**
 * Top-level entries a tarball may contain. `src` ships because the declaration maps and source maps in `dist`
 * point into it; `docs` holds core-client's guides that its README links to.
 */
const ALLOWED_TOP_LEVEL = new Set(['package.json', 'README.md', 'LICENSE', 'dist', 'src', 'bin', 'docs']);

/** Paths that must never ship even inside an allowed folder. */
const NEVER_PUBLISHED: readonly RegExp[] = [
  /\.(?:test|spec)\.[cm]?[jt]sx?$/,
  /(?:^|\/)(?:test|tests|__tests__|bench|fixtures)\//,
  /(?:^|\/)tsconfig[^/]*\.json$/,
  /(?:^|\/)vitest\.config\.[cm]?[jt]s$/,
  /\.tsbuildinfo$/,
  /(?:^|\/)node_modules\//,
  /\.tgz$/,
];

/** Files in the tarball that the package does not need at run time or for its types. */
export function unwantedFiles(files: readonly string[]): string[] {
  return files.filter((file) => {
    const top = file.split('/')[0];
    return !ALLOWED_TOP_LEVEL.has(top) || NEVER_PUBLISHED.some((pattern) => pattern.test(file));
  });
}

const stripDot = (path: string) => path.replace(/^\.\//, '');

/** Files the manifest points at (entry points, their types, bins) plus LICENSE, README and package.json. */
export function requiredFiles(manifest: PackageJson): string[] {
  const required = new Set(['package.json', 'README.md', 'LICENSE']);
  if (manifest.main) required.add(stripDot(manifest.main));
  if (manifest.types) required.add(stripDot(manifest.types));
  for (const target of Object.values(manifest.exports ?? {})) {
    for (const [condition, path] of Object.entries(target)) {
      // The source condition is for this repository's own tests and tools, never resolved by users.
      if (condition !== '@samsa/source' && path) required.add(stripDot(path));
    }
  }
  for (const mapping of Object.values(manifest.typesVersions ?? {})) {
    for (const paths of Object.values(mapping)) for (const path of paths) required.add(stripDot(path));
  }
  for (const path of Object.values(manifest.bin ?? {})) required.add(stripDot(path));
  return [...required];
}

/** Problems with the registry-facing fields of a manifest: licence, repository (npm provenance needs it), links. */
export function manifestProblems(pkg: WorkspacePackage): string[] {
  const { manifest, directory } = pkg;
  const problems: string[] = [];
  if (manifest.license !== 'Apache-2.0') problems.push(`license is ${manifest.license}, expected Apache-2.0`);
  if (manifest.repository?.url !== `git+${CANONICAL_REPOSITORY}.git`) {
    problems.push(`repository.url is ${manifest.repository?.url}, expected git+${CANONICAL_REPOSITORY}.git`);
  }
  if (manifest.repository?.directory !== directory) {
    problems.push(`repository.directory is ${manifest.repository?.directory}, expected ${directory}`);
  }
  if (!manifest.homepage?.startsWith(CANONICAL_REPOSITORY)) problems.push('homepage is missing');
  if (manifest.bugs?.url !== `${CANONICAL_REPOSITORY}/issues`) problems.push('bugs.url is missing');
  if (!manifest.keywords?.length) problems.push('keywords are missing');
  if (!manifest.types) problems.push('"types" is missing (TypeScript with moduleResolution node10 needs it)');
  const subpaths = Object.keys(manifest.exports ?? {}).filter((key) => key !== '.');
  for (const subpath of subpaths) {
    if (!manifest.typesVersions?.['*']?.[subpath.slice(2)]) {
      problems.push(
        `typesVersions has no entry for ${subpath} (moduleResolution node10 cannot see its types)`,
      );
    }
  }
  return problems;
}

export interface PackResult {
  files: string[];
  tarball: string;
  /** Removes the temporary folder holding the tarball. */
  dispose(): void;
}

/** `npm pack` into a temporary folder: the file list is what `npm pack --dry-run --json` reports. */
export async function pack(pkg: WorkspacePackage): Promise<PackResult> {
  const destination = mkdtempSync(join(tmpdir(), 'samsa-pack-'));
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    {
      cwd: join(root, pkg.directory),
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const [report] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  return {
    files: report.files.map((file) => file.path),
    tarball: join(destination, report.filename),
    dispose: () => rmSync(destination, { recursive: true, force: true }),
  };
}

/** publint's findings (warnings count as errors), formatted as it prints them. publint packs with npm itself. */
export async function publintFindings(pkg: WorkspacePackage): Promise<string[]> {
  const { messages, pkg: manifest } = await publint({
    pkgDir: join(root, pkg.directory),
    pack: 'npm',
    level: 'suggestion',
    strict: true,
  });
  return messages.map((message) => `${message.type}: ${formatMessage(message, manifest, { color: false })}`);
}

/**
 * Problems not counted: the packages are ESM only by design (`engines.node` >= 20.19, where `require()` of ESM works),
 * so a CommonJS `require` resolving to ESM is expected, not a defect. (attw's JSON report lists every problem whatever
 * `--ignore-rules` says, so they are filtered here by kind.)
 */
export const IGNORED_ATTW_PROBLEMS = ['CJSResolvesToESM'];

/** @arethetypeswrong/cli's problems for the tarball, one line each: entry point, resolution mode, problem kind. */
export async function attwFindings(tarball: string): Promise<string[]> {
  const bin = join(root, 'node_modules/.bin/attw');
  const args = [tarball, '--format', 'json'];
  // attw exits 1 when it finds problems; the JSON report is on stdout either way.
  const stdout = await run(bin, args, { maxBuffer: 64 * 1024 * 1024 }).then(
    (result) => result.stdout,
    (error: { stdout?: string }) => {
      if (!error.stdout) throw error;
      return error.stdout;
    },
  );
  const report = JSON.parse(stdout) as {
    problems?: Record<string, { kind: string; entrypoint?: string; resolutionKind?: string }[]>;
  };
  return Object.values(report.problems ?? {})
    .flat()
    .filter((problem) => !IGNORED_ATTW_PROBLEMS.includes(problem.kind))
    .map(
      (problem) =>
        `${problem.entrypoint ?? '(package)'} [${problem.resolutionKind ?? 'all'}]: ${problem.kind}`,
    );
}

async function main(): Promise<void> {
  let failed = false;
  for (const pkg of publishedPackages()) {
    const packed = await pack(pkg);
    try {
      const missing = requiredFiles(pkg.manifest).filter((file) => !packed.files.includes(file));
      const findings = [
        ...manifestProblems(pkg),
        ...missing.map((file) => `missing from the tarball: ${file}`),
        ...unwantedFiles(packed.files).map((file) => `should not be published: ${file}`),
        ...(await publintFindings(pkg)).map((line) => `publint ${line}`),
        ...(await attwFindings(packed.tarball)).map((line) => `attw ${line}`),
      ];
      failed ||= findings.length > 0;
      console.log(`${pkg.manifest.name}: ${findings.length === 0 ? 'ok' : ''}`);
      for (const finding of findings) console.log(`  ${finding}`);
    } finally {
      packed.dispose();
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
