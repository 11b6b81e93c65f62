import { readFile } from 'node:fs/promises';
import { SchemaRegistryClient } from '../client/client.js';
import {
  type CompatibilityLevel,
  checkAgainstVersions,
  type FormatIncompatibility,
  isTransitive,
  type LocatedIncompatibility,
} from '../compatibility/levels.js';
import { RegistryResponseError, SchemaParseError } from '../errors.js';
import { type FetchedReference, fetchReferences } from '../serde/references.js';
import { fileAtRef, fileHistory } from './git.js';
import { CHECK_FORMATS, type CheckFormat, formatOfFile } from './schema-formats.js';

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
  /** A registry version's references, fetched. */
  references?: FetchedReference[];
}

export type ReportedIncompatibility = LocatedIncompatibility<FormatIncompatibility> & {
  /** The previous version it is with. */
  against: string;
  /** Confluent's wording of the problem ("The field 'x' at path ... in the new schema ..."). */
  description: string;
  /** The line of the new schema file the problem is at, where known. */
  line?: number;
};

export interface FileReport {
  file: string;
  /** AVRO, JSON or PROTOBUF: from the file's extension and content, or the subject's versions. */
  schemaType: 'AVRO' | 'JSON' | 'PROTOBUF';
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
      schemaType: 'AVRO',
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
      let format = formatOfFile(file, base.text);
      let previous: PreviousVersion[];
      let level = options.level;
      if (options.source.kind === 'git') {
        level ??= 'BACKWARD';
        previous = await previousFromGit(file, options.source.ref, level);
      } else {
        const subject = options.source.subjects[index]!;
        base.subject = subject;
        level ??= await client!.getCompatibility(subject).catch(rethrowAsInput);
        const found = await previousFromRegistry(client!, subject, level);
        previous = found.versions;
        // The subject's versions say which language it speaks (a .json file may be either).
        if (found.schemaType && found.schemaType !== format.type) {
          if (format.type === 'PROTOBUF' || found.schemaType === 'PROTOBUF') {
            throw new InputError(
              `${file} is a ${format.label} but subject ${subject} holds ${found.schemaType} schemas`,
            );
          }
          format = CHECK_FORMATS[found.schemaType];
        }
      }
      base.schemaType = format.type;
      const schema = parseOrThrow(format, base.text, file, true, []);
      base.level = level;
      base.previousCount = previous.length;
      const parsedPrevious = previous.map((version) =>
        parseOrThrow(format, version.text, `${file} at ${version.label}`, false, version.references ?? []),
      );
      const result = checkAgainstVersions(format.rules.readable, schema, parsedPrevious, level);
      base.checkedAgainst = result.checked.map((check) => previous[check.previousIndex]!.label);
      base.incompatibilities = result.incompatibilities.map((incompatibility) => {
        const line =
          incompatibility.direction === 'new-reads-old'
            ? format.lineOf(base.text, incompatibility.location)
            : undefined;
        return {
          ...incompatibility,
          against: previous[incompatibility.previousIndex]!.label,
          description: format.rules.describe(incompatibility),
          ...(line !== undefined ? { line } : {}),
        };
      });
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

function parseOrThrow(
  format: CheckFormat,
  text: string,
  what: string,
  asNew: boolean,
  references: readonly FetchedReference[],
): unknown {
  try {
    return format.parse(text, { asNew, references });
  } catch (error) {
    if (error instanceof SchemaParseError)
      throw new InputError(`${what} is not a valid ${format.label}: ${error.message}`);
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
): Promise<{ versions: PreviousVersion[]; schemaType?: 'AVRO' | 'JSON' | 'PROTOBUF' }> {
  try {
    const versions = isTransitive(level)
      ? await client.getAllVersions(subject)
      : [await client.getLatest(subject)];
    const out: PreviousVersion[] = [];
    for (const version of versions) {
      out.push({
        label: `version ${version.version}`,
        text: version.schema,
        references: await fetchReferences(client, version.references),
      });
    }
    const type = versions.at(-1)?.schemaType ?? 'AVRO';
    return { versions: out, schemaType: type as 'AVRO' | 'JSON' | 'PROTOBUF' };
  } catch (error) {
    // A subject that does not exist yet has no previous versions: the first registration is always compatible.
    if (error instanceof RegistryResponseError && error.errorCode === 40401) return { versions: [] };
    throw new InputError(`Could not read subject ${subject}: ${(error as Error).message}`);
  }
}
