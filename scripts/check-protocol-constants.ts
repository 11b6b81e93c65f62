/**
 * `npm run lint` step: fails when an API key, RecordBatch offset, compression codec or error code is
 * written as a number anywhere but in @samsa/protocol's src (see protocol-constants.ts for the rules).
 *
 * Usage: tsx --conditions=@samsa/source scripts/check-protocol-constants.ts [paths...]
 * Without paths it checks every package and app (src, test, bench, scripts) and this folder.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOW_MARKER, findProtocolConstants, protocolFacts } from './protocol-constants.js';

const root = resolve(fileURLToPath(import.meta.url), '../..');
/** The one place the numbers may be written. */
const PROTOCOL_SRC = join(root, 'packages/protocol/src');
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'generated', '.turbo', 'coverage']);

function sourceFiles(path: string, into: string[] = []): string[] {
  if (path === PROTOCOL_SRC) return into;
  const stat = statSync(path);
  if (stat.isFile()) {
    if (/\.(?:c|m)?tsx?$/.test(path) && !path.endsWith('.d.ts')) into.push(path);
    return into;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && (SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.'))) continue;
    sourceFiles(join(path, entry.name), into);
  }
  return into;
}

function defaultPaths(): string[] {
  const paths = [join(root, 'scripts')];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      for (const sub of ['src', 'test', 'bench', 'scripts']) {
        const path = join(root, group, entry.name, sub);
        if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) paths.push(path);
      }
    }
  }
  return paths;
}

const args = process.argv.slice(2);
const files = (args.length > 0 ? args.map((a) => resolve(a)) : defaultPaths()).flatMap((p) => sourceFiles(p));
const facts = protocolFacts();
let count = 0;
for (const file of files.sort()) {
  for (const finding of findProtocolConstants(readFileSync(file, 'utf8'), facts)) {
    count++;
    console.error(
      `${relative(root, file)}:${finding.line}:${finding.column}  ${finding.text}\n    ${finding.message}`,
    );
  }
}
if (count > 0) {
  console.error(
    `\n${count} protocol constant(s) written as numbers outside packages/protocol/src. Import the named ` +
      `export from @samsa/protocol instead; where a number is deliberate (a test of an unknown API key), ` +
      `say so in a comment on that line or the line above: // ${ALLOW_MARKER} <why>`,
  );
  process.exit(1);
}
console.log(`protocol constants: ${files.length} files checked, no numbers outside @samsa/protocol`);
