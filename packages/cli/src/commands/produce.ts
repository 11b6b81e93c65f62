/**
 * `samsa produce <topic>`: one record per input line (stdin or --file), keys split off with --key-separator as the
 * console producer's parse.key does, so each key lands in the partition Java's partitioner picks (murmur2). A
 * progress line shows on a terminal; a summary follows on stderr.
 */
import { readFile } from 'node:fs/promises';
import {
  type CliCommand,
  CliError,
  type CliIo,
  ExitCode,
  integer,
  Option,
  ProgressBar,
  repeatable,
  UsageError,
} from '@samsa/cli-kit';
import type { CompressionName, Message, Producer, SendResult } from '@samsa/core-client';
import { AvroSerializer, parseSchema, SchemaParseError } from '@samsa/schema-registry';
import { type Clients, withClients } from '../connection/clients.js';
import { addConnectionOptions, type ConnectionFlags } from '../connection/options.js';
import {
  encodeValue,
  InputLineError,
  parseHeaders,
  readLines,
  splitKey,
  unescapeSeparator,
  VALUE_FORMATS,
  type ValueFormat,
} from '../produce/input.js';
import { plural } from './topics.js';

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** Records per send() call, and calls in flight: enough to keep the producer's batches full. */
const CHUNK = 500;
const IN_FLIGHT = 8;
/** The progress line appears once an input is this large. */
const PROGRESS_AFTER = 1000;

interface ProduceFlags extends ConnectionFlags {
  file?: string;
  keySeparator?: string;
  headers?: string[];
  partition?: number;
  acks: string;
  compression: CompressionName;
  valueFormat: ValueFormat;
  schema?: string;
  subject?: string;
  quiet?: boolean;
}

export function addProduceCommand(program: CliCommand, io: CliIo): void {
  addConnectionOptions(
    program
      .command('produce')
      .description('Send one record per line of stdin (or --file) to a topic')
      .argument('<topic>', 'the topic')
      .option('--file <file>', 'read records from this file instead of stdin')
      .option('-K, --key-separator <separator>', 'each line is key<separator>value (Kafka parse.key)')
      .option('-H, --headers <key=value,...>', 'headers on every record (repeatable)', repeatable)
      .option('-p, --partition <n>', 'send every record to this partition', integer({ min: 0 }))
      .addOption(
        new Option('--acks <acks>', 'acknowledgements to wait for')
          .choices(['all', '-1', '1', '0'])
          .default('all'),
      )
      .addOption(
        new Option('-z, --compression <codec>', 'batch compression').choices(COMPRESSIONS).default('none'),
      )
      .addOption(
        new Option(
          '--value-format <format>',
          'how lines become values: text, checked JSON, or Avro from JSON',
        )
          .choices(VALUE_FORMATS)
          .default('string'),
      )
      .option(
        '--schema <file>',
        'with --value-format avro: the schema (.avsc), registered under <topic>-value',
      )
      .option('--subject <subject>', "with --value-format avro: use this subject's latest schema")
      .option('-q, --quiet', 'no summary'),
  ).action((topic: string, flags: ProduceFlags) =>
    withClients(flags, io, (clients) => produce(topic, flags, clients, io)),
  );
}

async function produce(topic: string, flags: ProduceFlags, clients: Clients, io: CliIo): Promise<number> {
  const avro = await avroSerializer(flags, clients);
  const keySeparator = flags.keySeparator === undefined ? undefined : unescapeSeparator(flags.keySeparator);
  if (keySeparator === '') throw new UsageError('--key-separator is empty');
  const headers = parseHeaders(flags.headers);
  const acks = flags.acks === 'all' ? -1 : Number(flags.acks);

  const admin = await clients.admin();
  const [described] = await admin.describeTopics({ topics: [topic], signal: clients.signal() });
  if (flags.partition !== undefined && flags.partition >= described.partitions.length) {
    throw new CliError(
      `topic ${topic} has no partition ${flags.partition} (it has ${described.partitions.length})`,
    );
  }

  const producer: Producer = clients.kafka.producer({
    acks,
    compressionType: flags.compression,
    enableIdempotence: acks === -1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const started = Date.now();
  const progress = new ProgressBar({
    write: io.stderr,
    enabled: io.terminal?.stderr === true,
    unit: 'records',
    columns: io.terminal?.columns,
  });
  const byPartition = new Map<number, number>();
  let sent = 0;
  let read = 0;
  let fraction: number | undefined;
  let chunk: Message[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const flush = async () => {
    if (chunk.length === 0) return;
    const messages = chunk;
    chunk = [];
    const call: Promise<void> = producer
      .send({ topic, messages })
      .then((result: SendResult) => {
        for (const record of result.records)
          byPartition.set(record.partition, (byPartition.get(record.partition) ?? 0) + 1);
        sent += messages.length;
        if (read >= PROGRESS_AFTER) progress.update(sent, fraction);
      })
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  };

  let badLine: InputLineError | undefined;
  try {
    for await (const line of readLines(flags.file, io.stdin, (f) => (fraction = f))) {
      if (failure) break;
      if (flags.valueFormat !== 'string' && line.text.trim() === '') continue;
      let message: Message;
      try {
        const { key, value } = splitKey(line, keySeparator);
        message = {
          key,
          value: await encodeValue(line, value, flags.valueFormat, topic, avro),
          ...(flags.partition !== undefined ? { partition: flags.partition } : {}),
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
        };
      } catch (error) {
        if (error instanceof InputLineError) {
          badLine = error;
          break;
        }
        throw error;
      }
      read++;
      chunk.push(message);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await Promise.all(inFlight);
  } finally {
    progress.clear();
    await producer.disconnect();
  }
  if (failure) throw failure;

  const seconds = (Date.now() - started) / 1000;
  if (!flags.quiet) {
    const partitions = [...byPartition]
      .sort(([a], [b]) => a - b)
      .map(([p, n]) => `${p}: ${n.toLocaleString('en-US')}`)
      .join(', ');
    io.stderr(
      `Sent ${plural(sent, 'record')} to ${topic} in ${seconds.toFixed(1)} s` +
        (sent > 0
          ? ` (${Math.round(sent / Math.max(seconds, 0.001)).toLocaleString('en-US')} records/s; partitions ${partitions})`
          : '') +
        '\n',
    );
  }
  if (badLine) {
    throw new CliError(
      `${badLine.message}; nothing was sent for it, and reading stopped there ` +
        `(${plural(sent, 'record')} before it ${sent === 1 ? 'was' : 'were'} sent)`,
      { exitCode: ExitCode.Usage },
    );
  }
  return ExitCode.Ok;
}

async function avroSerializer(flags: ProduceFlags, clients: Clients): Promise<AvroSerializer | undefined> {
  if (flags.valueFormat !== 'avro') {
    if (flags.schema !== undefined || flags.subject !== undefined) {
      throw new UsageError('--schema and --subject go with --value-format avro');
    }
    return undefined;
  }
  const client = clients.registry('--value-format avro');
  if (flags.schema !== undefined) {
    const text = await readFile(flags.schema, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `--schema ${flags.schema}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
      );
    });
    try {
      parseSchema(text);
    } catch (error) {
      if (error instanceof SchemaParseError)
        throw new UsageError(`--schema ${flags.schema}: ${error.message}`);
      throw error;
    }
    const subject = flags.subject;
    return new AvroSerializer({
      client,
      schema: text,
      ...(subject ? { subjectNameStrategy: () => subject } : {}),
    });
  }
  if (flags.subject === undefined) {
    throw new UsageError('--value-format avro needs --schema <file> or --subject <subject>');
  }
  const subject = flags.subject;
  const latest = await client.getLatest(subject).catch((error) => {
    throw new CliError(`--subject ${subject}: ${(error as Error).message}`);
  });
  return new AvroSerializer({
    client,
    schema: latest.schema,
    references: latest.references,
    subjectNameStrategy: () => subject,
    useLatestVersion: true,
  });
}
