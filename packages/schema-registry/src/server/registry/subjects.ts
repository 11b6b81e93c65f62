import {
  configKey,
  deleteSubjectKey,
  modeKey,
  type RegistryRecord,
  type SchemaValue,
  schemaKey,
} from '../records.js';
import type { RegistryState } from '../state.js';
import type { RegistryConfig } from './config.js';
import { RegistryErrors } from './errors.js';
import { LATEST, type SubjectListOptions, type VersionId, type VersionListOptions } from './input.js';
import type { LogWriter } from './log-writer.js';

/**
 * Subjects and their versions: listing, reading, and deleting (soft first, then permanently). Registering a new
 * version is the Registrar's.
 */
export class Subjects {
  constructor(
    private readonly state: RegistryState,
    private readonly writer: LogWriter,
    private readonly config: RegistryConfig,
  ) {}

  list(options: SubjectListOptions = {}): string[] {
    return this.state.subjectNames().filter((subject) => {
      if (options.prefix && !subject.startsWith(options.prefix)) return false;
      const all = this.state.versions(subject, true);
      if (options.deletedOnly) return all.some((value) => value.deleted);
      return options.deleted === true || all.some((value) => !value.deleted);
    });
  }

  /** The subject's version numbers, oldest first; 40401 for a subject without (listed) versions. */
  versions(subject: string, options: VersionListOptions = {}): number[] {
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const includeDeleted = options.deleted === true || options.deletedAsNegative === true;
    const selected = options.deletedOnly
      ? all.filter((value) => value.deleted)
      : all.filter((value) => includeDeleted || !value.deleted);
    if (selected.length === 0 && !options.deletedOnly) throw RegistryErrors.subjectNotFound(subject);
    return selected.map((value) =>
      options.deletedAsNegative && value.deleted ? -value.version : value.version,
    );
  }

  /** One version of a subject (LATEST: its newest); 40401 or 40402 when there is none. */
  version(subject: string, version: VersionId, options: { deleted?: boolean } = {}): SchemaValue {
    const versions = this.state.versions(subject, options.deleted === true);
    if (versions.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const value = version === LATEST ? versions.at(-1) : versions.find((v) => v.version === version);
    if (!value) throw RegistryErrors.versionNotFound(version);
    return value;
  }

  /**
   * Soft-deletes a live version, or permanently deletes a soft-deleted one (`permanent`); never one that other
   * schemas reference. Resolves with the version deleted.
   */
  deleteVersion(subject: string, version: VersionId, options: { permanent?: boolean } = {}): Promise<number> {
    const permanent = options.permanent === true;
    return this.writer.write(async () => {
      this.config.assertWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const value =
        version === LATEST
          ? (permanent ? all : all.filter((v) => !v.deleted)).at(-1)
          : all.find((v) => v.version === version);
      if (!value) throw RegistryErrors.versionNotFound(version);
      if (!permanent && value.deleted) throw RegistryErrors.versionSoftDeleted(subject, value.version);
      if (permanent && !value.deleted) throw RegistryErrors.versionNotSoftDeleted(subject, value.version);
      if (this.state.referrers(subject, value.version, !permanent).length > 0) {
        throw RegistryErrors.referenceExists(subject, value.version);
      }
      if (!permanent) {
        await this.writer.append([
          { key: schemaKey(subject, value.version), value: { ...value, deleted: true } },
        ]);
      } else {
        const records: RegistryRecord[] = [{ key: schemaKey(subject, value.version), value: null }];
        // The subject's last version gone: its config and mode go with it.
        if (all.length === 1)
          records.push({ key: configKey(subject), value: null }, { key: modeKey(subject), value: null });
        await this.writer.append(records);
      }
      return value.version;
    });
  }

  /**
   * Soft-deletes every live version of a subject, or permanently deletes a soft-deleted subject with its config
   * and mode (`permanent`). Resolves with the versions deleted.
   */
  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    const permanent = options.permanent === true;
    return this.writer.write(async () => {
      this.config.assertWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const live = all.filter((value) => !value.deleted);
      for (const value of permanent ? all : live) {
        if (this.state.referrers(subject, value.version, false).length > 0) {
          throw RegistryErrors.referenceExists(subject, value.version);
        }
      }
      if (!permanent) {
        if (live.length === 0) throw RegistryErrors.subjectSoftDeleted(subject);
        await this.writer.append([
          { key: deleteSubjectKey(subject), value: { subject, version: live[live.length - 1]!.version } },
        ]);
        return live.map((value) => value.version);
      }
      if (live.length > 0) throw RegistryErrors.subjectNotSoftDeleted(subject);
      await this.writer.append([
        ...all.map((value): RegistryRecord => ({ key: schemaKey(subject, value.version), value: null })),
        { key: configKey(subject), value: null },
        { key: modeKey(subject), value: null },
      ]);
      return all.map((value) => value.version);
    });
  }

  /** Deleting a context: only the default context `.` exists here, and only without subjects. */
  deleteContext(context: string): void {
    if (context === '.' && this.state.subjects.size > 0) throw RegistryErrors.contextNotEmpty(context);
  }
}
