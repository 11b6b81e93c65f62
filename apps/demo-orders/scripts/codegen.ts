/**
 * Generates src/generated/events.ts from schemas/*.avsc (TypeScript types plus typed schema constants).
 * `npm run codegen -w demo-orders`; test/codegen.test.ts fails when the committed file is stale.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypeScript } from '@samsa/schema-registry';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outputPath = join(root, 'src/generated/events.ts');

export function generateEvents(): string {
  const dir = join(root, 'schemas');
  const inputs = readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((f) => ({ path: `schemas/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  return generateTypeScript(inputs);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(outputPath, generateEvents());
  console.log(`wrote ${outputPath}`);
}
