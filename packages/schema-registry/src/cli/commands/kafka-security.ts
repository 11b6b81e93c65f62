/**
 * `serve`'s flags for the registry's own connection to Kafka over TLS and SASL (`--kafka-ssl*`,
 * `--kafka-sasl-*`), resolved into @samsa/core-client's `ssl` and `sasl` options. They carry a `kafka-` prefix
 * because `--tls*` is the registry's own HTTPS. The SASL password comes from the environment only, so that it
 * never shows in the process list.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type CliCommand, InvalidArgumentError, Option, readPem, UsageError } from '@samsa/cli-kit';
import type { KafkaConfig } from '@samsa/core-client';

export const KAFKA_SASL_PASSWORD_ENV = 'SAMSA_REGISTRY_KAFKA_SASL_PASSWORD';

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type Mechanism = (typeof MECHANISMS)[number];

export interface KafkaSecurityFlags {
  kafkaSsl?: boolean;
  kafkaSslCa?: string;
  kafkaSslCert?: string;
  kafkaSslKey?: string;
  kafkaSaslMechanism?: Mechanism;
  kafkaSaslUsername?: string;
}

export function addKafkaSecurityOptions(command: CliCommand): CliCommand {
  return command
    .option('--kafka-ssl', 'connect to Kafka with TLS (SSL or SASL_SSL listeners)')
    .option(
      '--kafka-ssl-ca <file>',
      "PEM file of the CAs to trust for Kafka's certificates (implies --kafka-ssl)",
    )
    .option(
      '--kafka-ssl-cert <file>',
      'PEM client certificate for mutual TLS with Kafka (implies --kafka-ssl)',
    )
    .option('--kafka-ssl-key <file>', 'PEM key of --kafka-ssl-cert')
    .addOption(
      new Option(
        '--kafka-sasl-mechanism <mechanism>',
        `SASL authentication to Kafka, with --kafka-sasl-username and the password in ${KAFKA_SASL_PASSWORD_ENV}`,
      ).argParser(mechanism),
    )
    .option('--kafka-sasl-username <name>', 'SASL user for Kafka');
}

/** Kafka spells mechanisms in capitals (`SCRAM-SHA-512`), the client in lower case: take either. */
function mechanism(value: string): Mechanism {
  const lower = value.toLowerCase() as Mechanism;
  if (!MECHANISMS.includes(lower)) {
    throw new InvalidArgumentError(`Expected one of ${MECHANISMS.join(', ')} (in any case).`);
  }
  return lower;
}

/** True when any of these flags is given (they need --kafka). */
export function anyKafkaSecurityFlag(flags: KafkaSecurityFlags): string | undefined {
  const given: Array<[string, unknown]> = [
    ['kafka-ssl', flags.kafkaSsl],
    ['kafka-ssl-ca', flags.kafkaSslCa],
    ['kafka-ssl-cert', flags.kafkaSslCert],
    ['kafka-ssl-key', flags.kafkaSslKey],
    ['kafka-sasl-mechanism', flags.kafkaSaslMechanism],
    ['kafka-sasl-username', flags.kafkaSaslUsername],
  ];
  return given.find(([, value]) => value !== undefined)?.[0];
}

/** The client's `ssl` and `sasl` options from the flags (PEM files read here); empty without them. */
export async function kafkaSecurityOptions(
  flags: KafkaSecurityFlags,
  env: NodeJS.ProcessEnv,
): Promise<Pick<KafkaConfig, 'ssl' | 'sasl'>> {
  const options: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (flags.kafkaSslKey !== undefined && flags.kafkaSslCert === undefined) {
    throw new UsageError('--kafka-ssl-key needs --kafka-ssl-cert');
  }
  if (flags.kafkaSslCert !== undefined && flags.kafkaSslKey === undefined) {
    throw new UsageError('--kafka-ssl-cert needs --kafka-ssl-key');
  }
  if (flags.kafkaSsl || flags.kafkaSslCa !== undefined || flags.kafkaSslCert !== undefined) {
    const tls: TlsOptions = {};
    if (flags.kafkaSslCa !== undefined) tls.ca = await readPem(flags.kafkaSslCa, '--kafka-ssl-ca');
    if (flags.kafkaSslCert !== undefined) {
      tls.cert = await readPem(flags.kafkaSslCert, '--kafka-ssl-cert');
      tls.key = await readPem(flags.kafkaSslKey!, '--kafka-ssl-key');
    }
    options.ssl = Object.keys(tls).length > 0 ? tls : true;
  }
  const { kafkaSaslMechanism: saslMechanism, kafkaSaslUsername: username } = flags;
  if (saslMechanism === undefined && username === undefined) return options;
  if (saslMechanism === undefined) throw new UsageError('--kafka-sasl-username needs --kafka-sasl-mechanism');
  if (username === undefined || username === '') {
    throw new UsageError(`--kafka-sasl-mechanism ${saslMechanism} needs --kafka-sasl-username`);
  }
  const password = env[KAFKA_SASL_PASSWORD_ENV];
  if (password === undefined || password === '') {
    throw new UsageError(
      `--kafka-sasl-mechanism ${saslMechanism} needs the password in the environment variable ${KAFKA_SASL_PASSWORD_ENV}`,
    );
  }
  options.sasl = { mechanism: saslMechanism, username, password };
  return options;
}
