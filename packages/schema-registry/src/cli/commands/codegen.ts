/** `samsa-registry codegen`: TypeScript types and validators from .avsc files. */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliCommand, CliError, type CliIo, ExitCode, UsageError } from '@samsa/cli-kit';
import { SchemaParseError } from '../../errors.js';
import { generateTypeScript } from '../../typed/codegen.js';

interface CodegenFlags {
  out?: string;
  importFrom?: string;
}

export function addCodegenCommand(program: CliCommand, io: CliIo): void {
  program
    .command('codegen')
    .description('Generate TypeScript types and validators from .avsc files')
    .argument('<paths...>', '.avsc files, or directories to search for them')
    .option('--out <file.ts>', 'write here instead of stdout')
    .option('--import-from <module>', 'module to import typedSchema from (default: @samsa/schema-registry)')
    .action((paths: string[], flags: CodegenFlags) => codegen(paths, flags, io));
}

/** An input problem (a file that cannot be read or written, an invalid schema): exit code 2, as for usage. */
function inputError(message: string): CliError {
  return new CliError(message, { exitCode: ExitCode.Usage });
}

async function schemaFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`No such file or directory: ${path}`);
    if (info.isDirectory()) {
      const entries = (await readdir(path, { recursive: true }))
        .filter((name) => name.endsWith('.avsc'))
        .sort();
      files.push(...entries.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return files;
}

async function codegen(paths: string[], flags: CodegenFlags, io: CliIo): Promise<number> {
  const files = await schemaFiles(paths);
  const inputs = await Promise.all(
    files.map(async (path) => ({
      path,
      text: await readFile(path, 'utf8').catch((error: Error) => {
        throw inputError(`Cannot read ${path}: ${error.message}`);
      }),
    })),
  );
  let source: string;
  try {
    source = generateTypeScript(inputs, { importFrom: flags.importFrom });
  } catch (error) {
    if (error instanceof SchemaParseError) throw inputError(error.message);
    throw error;
  }
  if (flags.out === undefined) {
    io.stdout(source);
    return ExitCode.Ok;
  }
  await writeFile(flags.out, source).catch((error: Error) => {
    throw inputError(`Cannot write --out ${flags.out}: ${error.message}`);
  });
  io.stderr(`Wrote ${flags.out} from ${files.length} schema file${files.length === 1 ? '' : 's'}\n`);
  return ExitCode.Ok;
}
