#!/usr/bin/env node
// Kept outside dist/ so that npm links the command at install time, before the first build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'samsa-console: @samsa/console is not built yet; run `npm run build` at the repository root first.\n',
  );
  process.exit(1);
}
await import(cli.href);
