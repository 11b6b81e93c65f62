import { type CompatibilityLevel, isTransitive } from '../../compatibility/levels.js';
import type { CompatibilityVerdict } from '../formats/schema-format.js';
import type { SchemaValue } from '../records.js';
import type { RegistryState } from '../state.js';
import type { RegistryConfig } from './config.js';
import { RegistryErrors } from './errors.js';
import { LATEST, type SchemaSubmission, type VersionId } from './input.js';
import type { ParsedSubmission, SchemaReader } from './schema-reader.js';

const COMPATIBLE: CompatibilityVerdict = { compatible: true, messages: [] };

/** The live versions (oldest first) a level checks a new schema against: all for a transitive level, else the latest. */
export function versionsCovered(
  level: CompatibilityLevel,
  live: readonly SchemaValue[],
): readonly SchemaValue[] {
  return isTransitive(level) ? live : live.slice(-1);
}

/** Whether a schema may follow a subject's versions, at registration and in compatibility tests. */
export class CompatibilityChecks {
  constructor(
    private readonly state: RegistryState,
    private readonly config: RegistryConfig,
    private readonly reader: SchemaReader,
  ) {}

  /** Checks `candidate` against exactly `versions`, in the directions `level` names. */
  check(
    candidate: ParsedSubmission,
    versions: readonly SchemaValue[],
    level: CompatibilityLevel,
  ): CompatibilityVerdict {
    if (level === 'NONE' || versions.length === 0) return COMPATIBLE;
    const previous = versions.map((value) => this.reader.stored(value));
    return candidate.format.checkCompatibility(candidate.parsed, previous, level);
  }

  /**
   * A compatibility test under the subject's level: against the versions the level covers (`all`), or against one
   * version alone, even under a transitive level, as Confluent does. A subject without versions accepts anything.
   */
  test(subject: string, version: VersionId | 'all', submission: SchemaSubmission): CompatibilityVerdict {
    const candidate = this.reader.parse(submission, { strict: true });
    const level = this.config.effectiveCompatibility(subject);
    const live = this.state.versions(subject, false);
    if (version === 'all') return this.check(candidate, versionsCovered(level, live), level);
    if (version === LATEST) return this.check(candidate, live.slice(-1), level);
    if (this.state.versions(subject, true).length === 0) throw RegistryErrors.subjectNotFound(subject);
    const value = live.find((v) => v.version === version);
    if (!value) throw RegistryErrors.versionNotFound(version);
    return this.check(candidate, [value], level);
  }
}
