/** `samsa-registry check`: compares schema files with their previous versions in git or in a registry. */
import { type CliCommand, type CliIo, Option, repeatable, UsageError } from '@samsa/cli-kit';
import type { CompatibilityLevel } from '../../compatibility/levels.js';
import { type PreviousSource, runCheck } from '../check.js';
import { exitCodeOf, FORMATS, type Format, formatReports } from '../report.js';
import { basicAuthUsers, compatibilityLevel } from './flags.js';

interface CheckFlags {
  level?: CompatibilityLevel;
  against?: string;
  registry?: string;
  subject?: string[];
  basicAuth?: string[];
  format: Format;
}

export function addCheckCommand(program: CliCommand, io: CliIo): void {
  program
    .command('check')
    .description(
      'Check schema files for compatibility with their previous versions (exit 0 ok, 1 incompatible, 2 error)',
    )
    .argument(
      '<files...>',
      'the schema files: .avsc (Avro), .json (Avro or JSON Schema, by content), .proto (Protobuf)',
    )
    .option(
      '--level <level>',
      'NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE ' +
        "(default: BACKWARD, or the subject's level with --registry)",
      compatibilityLevel,
    )
    .option(
      '--against <git:ref>',
      'compare with the file at <ref>, or with every committed version of it up to <ref> for transitive levels ' +
        '(default: git:HEAD)',
    )
    .option('--registry <url>', "compare with a subject's versions in a running registry instead")
    .option(
      '--subject <name>',
      'the subject of each file with --registry (once per file, in order)',
      repeatable,
    )
    .option(
      '--basic-auth <user:password>',
      'credentials for --registry (or SAMSA_REGISTRY_BASIC_AUTH)',
      repeatable,
    )
    .addOption(new Option('--format <format>', 'how to report').choices(FORMATS).default('human'))
    .action((files: string[], flags: CheckFlags) => check(files, flags, io));
}

async function check(files: string[], flags: CheckFlags, io: CliIo): Promise<number> {
  const reports = await runCheck({ files, level: flags.level, source: previousSource(files, flags, io.env) });
  io.stdout(formatReports(reports, flags.format));
  return exitCodeOf(reports);
}

function previousSource(files: string[], flags: CheckFlags, env: NodeJS.ProcessEnv): PreviousSource {
  if (flags.registry !== undefined) {
    if (flags.against !== undefined) throw new UsageError('Use either --registry or --against, not both');
    const subjects = flags.subject ?? [];
    if (subjects.length !== files.length) {
      throw new UsageError(
        `--registry needs one --subject per schema file (${files.length} files, ${subjects.length} subjects)`,
      );
    }
    const auth = basicAuthUsers(flags.basicAuth, env)[0];
    return { kind: 'registry', url: flags.registry, subjects, auth };
  }
  if (flags.subject) throw new UsageError('--subject only applies with --registry');
  const against = flags.against ?? 'git:HEAD';
  if (!against.startsWith('git:') || against.length <= 4) {
    throw new UsageError(`--against takes git:<ref> (e.g. git:origin/main), not "${against}"`);
  }
  return { kind: 'git', ref: against.slice(4) };
}
