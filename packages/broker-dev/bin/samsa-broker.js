#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node
// Kept outside dist/ so that npm links the command at install time, before the first build.
// The shebang turns on glibc's huge-page malloc (glibc >= 2.35; other C libraries ignore it): one
// page fault per 2 MiB of kept records instead of per 4 KiB, which halves the CPU of heavy
// in-memory ingest on machines where faults are slow. `env` execs node, so this stays one process.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'samsa-broker: @samsa/broker-dev is not built yet; run `npm run build` at the repository root first.\n',
  );
  process.exit(1);
}
await import(cli.href);
