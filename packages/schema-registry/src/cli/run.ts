import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SamsaError } from '@samsa/protocol';
import { type CompatibilityLevel, parseCompatibilityLevel } from '../compatibility/levels.js';
import { SchemaParseError } from '../errors.js';
import { type BasicAuthUser, startRegistryServer } from '../server/http.js';
import type { KafkaStorageOptions } from '../server/kafka/storage.js';
import { generateTypeScript } from '../typed/codegen.js';
import { type PreviousSource, runCheck } from './check.js';
import { exitCodeOf, FORMATS, type Format, formatReports } from './report.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `serve`. */
  stopSignal?: Promise<void>;
}

const USAGE = `Usage: samsa-registry <command> [options]

Commands:
  serve     Run a Confluent-compatible schema registry
  check     Check schema files for compatibility with their previous versions (exit 0 ok, 1 incompatible, 2 error)
  codegen   Generate TypeScript types and validators from .avsc files

serve options:
  --port <n>                    Port to listen on (default 8081)
  --host <address>              Address to bind (default 127.0.0.1)
  --kafka <host:port[,...]>     Store schemas in Kafka (a compacted _schemas topic) and elect the leader through a
                                Kafka group; without it, schemas live in memory (not durable)
  --topic <name>                The schemas topic with --kafka (default _schemas; created with 1 partition, compact)
  --group-id <id>               Leader election group with --kafka (default schema-registry)
  --advertised-url <url>        URL other instances forward writes to (default http://<host-name>:<port>)
  --host-name <name>            Host name in the default advertised URL (default --host, or this machine's host
                                name when --host is 0.0.0.0 or ::)
  --leader-eligibility <bool>   Whether this instance may become the leader (default true)
  --replication-factor <n>      Replication factor of a schemas topic the registry creates (default 3, capped at
                                the number of brokers)
  --basic-auth <user:password>  Require HTTP basic auth (or SAMSA_REGISTRY_BASIC_AUTH); repeatable
  --max-body-bytes <n>          Largest request body (default 16777216)
  --compatibility <level>       Default compatibility level (default BACKWARD)
  --incompatible-error-code <c> 40901 (default, Confluent 8) or 409 (Confluent 7, Karapace)

check <schema files...> options:
  --level <level>               NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
                                (default: BACKWARD, or the subject's level with --registry)
  --against git:<ref>           Compare with the file at <ref>, or with every committed version of it up to <ref>
                                for transitive levels (default git:HEAD)
  --registry <url>              Compare with a subject's versions in a running registry instead
  --subject <name>              The subject of each file with --registry (repeat once per file, in order)
  --basic-auth <user:password>  Credentials for --registry (or SAMSA_REGISTRY_BASIC_AUTH)
  --format <format>             human (default), json, junit or github

codegen <.avsc files or directories...> options:
  --out <file.ts>               Write here instead of stdout
  --import-from <module>        Module to import typedSchema from (default @samsa/schema-registry)
`;

class UsageError extends Error {}

function parseAuth(values: string[] | undefined, env: NodeJS.ProcessEnv): BasicAuthUser[] {
  const all = [...(values ?? []), ...(env.SAMSA_REGISTRY_BASIC_AUTH ? [env.SAMSA_REGISTRY_BASIC_AUTH] : [])];
  return all.map((value) => {
    const separator = value.indexOf(':');
    if (separator <= 0) throw new UsageError(`--basic-auth needs user:password, not "${value}"`);
    return { username: value.slice(0, separator), password: value.slice(separator + 1) };
  });
}

function parseLevel(value: string | undefined): CompatibilityLevel | undefined {
  if (value === undefined) return undefined;
  const level = parseCompatibilityLevel(value);
  if (!level) throw new UsageError(`Unknown --level "${value}"`);
  return level;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(`${name} needs a non-negative integer, not "${value}"`);
  return number;
}

/** Runs the CLI and resolves with its exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io);
      case 'check':
        return await check(rest, io);
      case 'codegen':
        return await codegen(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`samsa-registry: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof SchemaParseError) {
      io.stderr(`samsa-registry: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function check(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      against: { type: 'string' },
      registry: { type: 'string' },
      subject: { type: 'string', multiple: true },
      'basic-auth': { type: 'string', multiple: true },
      format: { type: 'string', default: 'human' },
    },
  });
  if (positionals.length === 0) throw new UsageError('check needs at least one schema file');
  const format = values.format as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`Unknown --format "${values.format}"; use ${FORMATS.join(', ')}`);
  let source: PreviousSource;
  if (values.registry !== undefined) {
    if (values.against !== undefined) throw new UsageError('Use either --registry or --against, not both');
    const subjects = values.subject ?? [];
    if (subjects.length !== positionals.length) {
      throw new UsageError(
        `--registry needs one --subject per schema file (${positionals.length} files, ${subjects.length} subjects)`,
      );
    }
    const auth = parseAuth(values['basic-auth'], io.env)[0];
    source = { kind: 'registry', url: values.registry, subjects, auth };
  } else {
    if (values.subject) throw new UsageError('--subject only applies with --registry');
    const against = values.against ?? 'git:HEAD';
    if (!against.startsWith('git:') || against.length <= 4) {
      throw new UsageError(`--against takes git:<ref> (e.g. git:origin/main), not "${against}"`);
    }
    source = { kind: 'git', ref: against.slice(4) };
  }
  const reports = await runCheck({ files: positionals, level: parseLevel(values.level), source });
  io.stdout(formatReports(reports, format));
  return exitCodeOf(reports);
}

async function codegen(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, 'import-from': { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('codegen needs .avsc files or directories');
  const files: string[] = [];
  for (const path of positionals) {
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
  const inputs = await Promise.all(files.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
  const source = generateTypeScript(inputs, { importFrom: values['import-from'] });
  if (values.out) {
    await writeFile(values.out, source);
    io.stderr(`Wrote ${values.out} from ${files.length} schema file${files.length === 1 ? '' : 's'}\n`);
  } else {
    io.stdout(source);
  }
  return 0;
}

function kafkaOptions(values: {
  kafka?: string;
  topic?: string;
  'group-id'?: string;
  'leader-eligibility'?: string;
  'replication-factor'?: string;
}): KafkaStorageOptions {
  const brokers = (values.kafka ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new UsageError('--kafka needs host:port[,host:port...]');
  for (const broker of brokers) {
    if (!/^(\[[^\]]+\]|[^:\s]+):\d+$/.test(broker)) {
      throw new UsageError(`--kafka takes host:port[,host:port...]; "${broker}" is not host:port`);
    }
  }
  if (values.topic !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(values.topic)) {
    throw new UsageError(`--topic "${values.topic}" is not a valid Kafka topic name`);
  }
  if (values['group-id'] !== undefined && values['group-id'] === '')
    throw new UsageError('--group-id is empty');
  const eligibility = values['leader-eligibility'];
  if (eligibility !== undefined && eligibility !== 'true' && eligibility !== 'false') {
    throw new UsageError('--leader-eligibility takes true or false');
  }
  const replication = values['replication-factor'];
  if (replication !== undefined && !(Number.isInteger(Number(replication)) && Number(replication) >= 1)) {
    throw new UsageError(`--replication-factor needs a positive integer, not "${replication}"`);
  }
  return {
    brokers,
    topic: values.topic,
    groupId: values['group-id'],
    leaderEligibility: eligibility === undefined ? undefined : eligibility === 'true',
    replicationFactor: replication === undefined ? undefined : Number(replication),
  };
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      kafka: { type: 'string' },
      topic: { type: 'string' },
      'group-id': { type: 'string' },
      'advertised-url': { type: 'string' },
      'host-name': { type: 'string' },
      'leader-eligibility': { type: 'string' },
      'replication-factor': { type: 'string' },
      'basic-auth': { type: 'string', multiple: true },
      'max-body-bytes': { type: 'string' },
      compatibility: { type: 'string' },
      'incompatible-error-code': { type: 'string' },
    },
  });
  const kafka = values.kafka === undefined ? undefined : kafkaOptions(values);
  if (!kafka) {
    for (const flag of ['topic', 'group-id', 'leader-eligibility', 'replication-factor'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --kafka`);
    }
  }
  if (values['advertised-url'] !== undefined) {
    if (values['host-name'] !== undefined) throw new UsageError('Use either --advertised-url or --host-name');
    if (!/^https?:\/\/[^/]+/.test(values['advertised-url'])) {
      throw new UsageError(
        `--advertised-url needs an http:// or https:// URL, not "${values['advertised-url']}"`,
      );
    }
  }
  const errorCode = values['incompatible-error-code'];
  if (errorCode !== undefined && errorCode !== '409' && errorCode !== '40901') {
    throw new UsageError('--incompatible-error-code takes 409 or 40901');
  }
  const logLine = (line: string) => io.stderr(`${line}\n`);
  if (kafka) {
    io.stdout(
      `Storage: Kafka topic ${kafka.topic ?? '_schemas'} at ${kafka.brokers} (durable); ` +
        `leader election in group ${kafka.groupId ?? 'schema-registry'}. Reading the topic...\n`,
    );
  }
  let server: Awaited<ReturnType<typeof startRegistryServer>>;
  try {
    server = await startRegistryServer({
      kafka,
      advertisedUrl: values['advertised-url'],
      hostName: values['host-name'],
      port: positiveInt(values.port, '--port', 8081),
      host: values.host ?? '127.0.0.1',
      basicAuth: parseAuth(values['basic-auth'], io.env),
      maxBodyBytes: positiveInt(values['max-body-bytes'], '--max-body-bytes', 16 * 1024 * 1024),
      defaultCompatibility: parseLevel(values.compatibility),
      incompatibleErrorCode: errorCode === undefined ? undefined : (Number(errorCode) as 409 | 40901),
      logger: logLine,
    });
  } catch (error) {
    // Kafka unreachable or misconfigured, the port taken: say so and exit 2, without a stack trace.
    if (error instanceof SamsaError || (error as { code?: string }).code === 'EADDRINUSE') {
      io.stderr(`samsa-registry: could not start: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  io.stdout(
    kafka
      ? `Samsa schema registry listening on ${server.url}, advertised as ${server.advertisedUrl}\n`
      : `Samsa schema registry listening on ${server.url}\n` +
          'Storage: in memory. NOT durable: every schema is lost when this process exits (use --kafka for durable storage).\n',
  );
  await (io.stopSignal ?? new Promise<void>(() => {}));
  io.stdout('Shutting down: finishing in-flight requests...\n');
  await server.close();
  io.stdout('Stopped.\n');
  return 0;
}
