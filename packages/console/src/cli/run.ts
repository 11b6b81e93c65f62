/** The samsa-console command line: start the console server on a Kafka cluster (and a registry) until stopped. */
import {
  CliError,
  type CliIo,
  createProgram,
  ExitCode,
  integer,
  Option,
  repeatable,
  runProgram,
  UsageError,
} from '@samsa/cli-kit';
import { SamsaError } from '@samsa/protocol';
import type { BasicAuthUser } from '../server/access.js';
import { type ConsoleServer, consoleVersion, startConsoleServer } from '../server/server.js';

interface ConsoleFlags {
  brokers: string;
  registry?: string;
  registryAuth?: string;
  port: number;
  host: string;
  readOnly?: boolean;
  basicAuth?: string[];
}

export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram({
    name: 'samsa-console',
    description: 'A web console for Kafka: topics, messages, consumer groups and lag, schemas.',
    version: consoleVersion(),
    io,
  });
  program
    .requiredOption(
      '--brokers <host:port[,...]>',
      'Kafka bootstrap servers (or KAFKA_BROKERS)',
      io.env.KAFKA_BROKERS,
    )
    .option(
      '--registry <url>',
      'schema registry URL, to decode Avro and show schemas (or SCHEMA_REGISTRY_URL)',
      io.env.SCHEMA_REGISTRY_URL,
    )
    .option('--registry-auth <user:password>', 'basic auth for the schema registry (or SCHEMA_REGISTRY_AUTH)')
    .addOption(
      new Option('--port <n>', 'port to listen on (0 picks a free one)')
        .argParser(integer({ min: 0, max: 65535 }))
        .default(8080),
    )
    .addOption(new Option('--host <address>', 'address to bind').default('127.0.0.1'))
    .option(
      '--read-only',
      'hide and refuse every write (create, delete, produce, offset resets, schema changes)',
    )
    .option(
      '--basic-auth <user:password>',
      'require HTTP basic auth (or SAMSA_CONSOLE_BASIC_AUTH); repeatable',
      repeatable,
    )
    .action((flags: ConsoleFlags) => run(flags, io));
  return runProgram(program, argv);
}

async function run(flags: ConsoleFlags, io: CliIo): Promise<number> {
  const brokers = flags.brokers
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^(\[[^\]]+\]|[^:\s]+):\d+$/.test(broker)) {
      throw new UsageError(`--brokers takes host:port[,host:port...]; "${broker}" is not host:port`);
    }
  }
  if (brokers.length === 0) throw new UsageError('--brokers needs host:port[,host:port...]');
  if (flags.registry !== undefined && !/^https?:\/\/[^/]+/.test(flags.registry)) {
    throw new UsageError(`--registry needs an http:// or https:// URL, not "${flags.registry}"`);
  }
  const registryAuth = credentials('--registry-auth', flags.registryAuth ?? io.env.SCHEMA_REGISTRY_AUTH);
  const basicAuth: BasicAuthUser[] = [
    ...(flags.basicAuth ?? []),
    ...(io.env.SAMSA_CONSOLE_BASIC_AUTH ? [io.env.SAMSA_CONSOLE_BASIC_AUTH] : []),
  ].map((value) => credentials('--basic-auth', value)!);
  let server: ConsoleServer;
  try {
    server = await startConsoleServer({
      brokers,
      ...(flags.registry ? { registry: flags.registry } : {}),
      ...(registryAuth ? { registryAuth } : {}),
      host: flags.host,
      port: flags.port,
      readOnly: flags.readOnly === true,
      basicAuth,
      onUnexpectedError: (error) =>
        io.stderr(`samsa-console: unexpected error: ${(error as Error)?.stack ?? error}\n`),
    });
  } catch (error) {
    if (error instanceof SamsaError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`could not start: ${(error as Error).message}`, { exitCode: ExitCode.Failure });
    }
    throw error;
  }
  io.stdout(`Samsa Console on ${server.url}\n`);
  io.stdout(`  Kafka     ${brokers.join(',')}\n`);
  io.stdout(`  Registry  ${flags.registry ?? '(none: Avro shows as bytes; pass --registry <url>)'}\n`);
  if (flags.readOnly) io.stdout('  Read-only: writes are hidden and refused\n');
  if (basicAuth.length > 0)
    io.stdout(`  Basic auth: ${basicAuth.length} user${basicAuth.length === 1 ? '' : 's'}\n`);
  await (io.waitForStop?.() ?? new Promise<never>(() => {}));
  await server.close();
  io.stdout('Stopped.\n');
  return ExitCode.Ok;
}

function credentials(
  flag: string,
  value: string | undefined,
): { username: string; password: string } | undefined {
  if (value === undefined) return undefined;
  const separator = value.indexOf(':');
  if (separator <= 0) throw new UsageError(`${flag} needs user:password`);
  return { username: value.slice(0, separator), password: value.slice(separator + 1) };
}
