import { readFile } from 'node:fs/promises';
import { parseSchema } from '../avro/parse.js';
import type { AvroSchema } from '../avro/schema.js';
import { SchemaRegistryClient } from '../client/client.js';
import {
  type CompatibilityLevel,
  checkSubjectCompatibility,
  isTransitive,
  type SubjectIncompatibility,
} from '../compatibility/levels.js';
import { describeIncompatibility } from '../compatibility/messages.js';
import { RegistryResponseError, SchemaParseError } from '../errors.js';
import { fileAtRef, fileHistory } from './git.js';

/** Where previous versions come from. */
export type PreviousSource =
  | { kind: 'git'; ref: string }
  | { kind: 'registry'; url: string; subjects: string[]; auth?: { username: string; password: string } };

export interface CheckOptions {
  files: string[];
  /** Default: BACKWARD for git, the subject's configured level for a registry. */
  level?: CompatibilityLevel;
  source: PreviousSource;
}

export interface PreviousVersion {
  label: string;
  text: string;
}

export interface ReportedIncompatibility extends SubjectIncompatibility {
  /** The previous version it is with. */
  against: string;
  /** Confluent's wording of the problem ("The field 'x' at path ... in the new schema ..."). */
  description: string;
}

export interface FileReport {
  file: string;
  subject?: string;
  level: CompatibilityLevel;
  /** Previous versions checked, newest first. */
  checkedAgainst: string[];
  /** Previous versions that exist (oldest first), whether or not the level checks them all. */
  previousCount: number;
  compatible: boolean;
  incompatibilities: ReportedIncompatibility[];
  /** The new schema's text, for locating problems in it. */
  text: string;
  /** An input problem (unparsable schema, unknown ref, unreachable registry): exit code 2. */
  error?: string;
}

/** Runs the check for every file. Never throws for per-file input problems: they are reported with `error`. */
export async function runCheck(options: CheckOptions): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  const client =
    options.source.kind === 'registry'
      ? new SchemaRegistryClient({ url: options.source.url, auth: options.source.auth, retries: 2 })
      : undefined;
  for (const [index, file] of options.files.entries()) {
    const base: FileReport = {
      file,
      level: options.level ?? 'BACKWARD',
      checkedAgainst: [],
      previousCount: 0,
      compatible: false,
      incompatibilities: [],
      text: '',
    };
    try {
      base.text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new InputError(
          `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
        );
      });
      const schema = parseOrThrow(base.text, file, true);
      let previous: PreviousVersion[];
      let level = options.level;
      if (options.source.kind === 'git') {
        level ??= 'BACKWARD';
        previous = await previousFromGit(file, options.source.ref, level);
      } else {
        const subject = options.source.subjects[index]!;
        base.subject = subject;
        level ??= await client!.getCompatibility(subject).catch(rethrowAsInput);
        previous = await previousFromRegistry(client!, subject, level);
      }
      base.level = level;
      base.previousCount = previous.length;
      const parsedPrevious = previous.map((version) =>
        parseOrThrow(version.text, `${file} at ${version.label}`, false),
      );
      const result = checkSubjectCompatibility(schema, parsedPrevious, level);
      base.checkedAgainst = result.checked.map((check) => previous[check.previousIndex]!.label);
      base.incompatibilities = result.incompatibilities.map((incompatibility) => ({
        ...incompatibility,
        against: previous[incompatibility.previousIndex]!.label,
        description: describeIncompatibility(incompatibility),
      }));
      base.compatible = result.compatible;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      base.error = error.message;
    }
    reports.push(base);
  }
  return reports;
}

class InputError extends Error {}

function rethrowAsInput(error: unknown): never {
  if (error instanceof RegistryResponseError && error.errorCode === 40401) {
    throw new InputError(`${error.serverMessage} (check --subject)`);
  }
  throw new InputError((error as Error).message);
}

function parseOrThrow(text: string, what: string, asNew: boolean): AvroSchema {
  try {
    return parseSchema(text, {
      validateNames: asNew,
      validateDefaults: asNew,
      // Previous versions are read at any depth, as the registry reads stored ones: the check walks them without
      // recursion. A new schema must nest within the limit the registry would apply to it.
      ...(asNew ? {} : { maxNestingDepth: Number.POSITIVE_INFINITY }),
    });
  } catch (error) {
    if (error instanceof SchemaParseError)
      throw new InputError(`${what} is not a valid Avro schema: ${error.message}`);
    throw error;
  }
}

async function previousFromGit(
  file: string,
  ref: string,
  level: CompatibilityLevel,
): Promise<PreviousVersion[]> {
  try {
    if (isTransitive(level)) return await fileHistory(file, ref);
    const version = await fileAtRef(file, ref);
    return version ? [version] : [];
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

async function previousFromRegistry(
  client: SchemaRegistryClient,
  subject: string,
  level: CompatibilityLevel,
): Promise<PreviousVersion[]> {
  try {
    if (isTransitive(level)) {
      const all = await client.getAllVersions(subject);
      return all.map((version) => ({ label: `version ${version.version}`, text: version.schema }));
    }
    const latest = await client.getLatest(subject);
    return [{ label: `version ${latest.version}`, text: latest.schema }];
  } catch (error) {
    // A subject that does not exist yet has no previous versions: the first registration is always compatible.
    if (error instanceof RegistryResponseError && error.errorCode === 40401) return [];
    throw new InputError(`Could not read subject ${subject}: ${(error as Error).message}`);
  }
}
