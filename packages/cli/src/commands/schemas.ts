/**
 * `samsa schemas list | get | register | check`: subjects and schemas in the registry. `check` is the registry
 * package's own command (samsa-registry check), mounted here, so there is one compatibility check.
 */
import { readFile } from 'node:fs/promises';
import {
  type CliCommand,
  CliError,
  type CliIo,
  formatTable,
  type OutputFormat,
  outputOption,
  printJson,
  styleFor,
  UsageError,
} from '@samsa/cli-kit';
import { parseSchema, SchemaParseError } from '@samsa/schema-registry';
import { addCheckCommand } from '@samsa/schema-registry/cli';
import { withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';

type Output = { output: OutputFormat };

export function addSchemasCommands(program: CliCommand, io: CliIo): void {
  const schemas = program
    .command('schemas')
    .description('List, get, register and check Avro schemas in the schema registry');

  addConnectionOptions(
    schemas
      .command('list')
      .description('List subjects with their latest version and schema id')
      .option('--prefix <prefix>', 'only subjects starting with this')
      .option('--deleted', 'include soft-deleted subjects')
      .addOption(outputOption()),
  ).action((flags: ConnectionFlags & Output & { prefix?: string; deleted?: boolean }) =>
    withClients(flags, io, async (clients) => {
      const registry = clients.registry('schemas list');
      const subjects = (await registry.listSubjects({ prefix: flags.prefix, deleted: flags.deleted })).sort();
      const rows = await Promise.all(
        subjects.map(async (subject) => {
          const latest = await registry.getVersion(subject, 'latest', { deleted: flags.deleted });
          return { subject, version: latest.version, id: latest.id, schemaType: latest.schemaType ?? 'AVRO' };
        }),
      );
      if (flags.output === 'json') return printJson(io, rows);
      io.stdout(
        formatTable(
          ['SUBJECT', 'LATEST', 'ID', 'TYPE'],
          rows.map((r) => [r.subject, r.version, r.id, r.schemaType]),
          styleFor(io),
        ),
      );
    }),
  );

  addConnectionOptions(
    schemas
      .command('get')
      .description("Print a subject's schema (the latest version unless --version)")
      .argument('<subject>', 'the subject')
      .option('--version <version>', 'a version number, or latest', 'latest')
      .addOption(outputOption()),
  ).action((subject: string, flags: ConnectionFlags & Output & { version: string }) =>
    withClients(flags, io, async (clients) => {
      if (flags.version !== 'latest' && !/^[1-9]\d*$/.test(flags.version)) {
        throw new UsageError(`--version takes a version number or latest, not "${flags.version}"`);
      }
      const registry = clients.registry('schemas get');
      const found = await registry.getVersion(
        subject,
        flags.version === 'latest' ? 'latest' : Number(flags.version),
      );
      if (flags.output === 'json') return printJson(io, found);
      let text = found.schema;
      try {
        text = JSON.stringify(JSON.parse(found.schema), null, 2);
      } catch {
        // A bare primitive name such as "string" prints as it is.
      }
      io.stdout(`${text}\n`);
      io.stderr(`${subject} version ${found.version}, schema id ${found.id}\n`);
    }),
  );

  addConnectionOptions(
    schemas
      .command('register')
      .description('Register a schema file under a subject (idempotent: an existing schema keeps its id)')
      .argument('<subject>', 'the subject (topic-value, topic-key, ...)')
      .argument('<file>', 'the schema (.avsc)')
      .option('--normalize', 'normalize the schema before registering it'),
  ).action((subject: string, file: string, flags: ConnectionFlags & { normalize?: boolean }) =>
    withClients(flags, io, async (clients) => {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
      });
      try {
        parseSchema(text);
      } catch (error) {
        if (error instanceof SchemaParseError) throw new UsageError(`${file}: ${error.message}`);
        throw error;
      }
      const registry = clients.registry('schemas register');
      const id = await registry
        .register(subject, { schema: text }, { normalize: flags.normalize })
        .catch((error) => {
          throw new CliError(`${subject}: ${(error as Error).message}`);
        });
      const found = await registry.lookup(subject, { schema: text }, { normalize: flags.normalize });
      io.stdout(`Registered ${file} as ${subject} version ${found.version} (schema id ${id})\n`);
    }),
  );

  addCheckCommand(schemas, io);
}
