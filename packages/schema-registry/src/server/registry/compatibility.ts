import { type CompatibilityLevel, isTransitive } from '../../compatibility/levels.js';
import { versionMessages } from '../../compatibility/messages.js';
import { SchemaParseError } from '../../errors.js';
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

  /**
   * Checks `candidate` against exactly `versions`, newest first, in the directions `level` names; stops at the
   * first incompatible one. A version in another format is incompatible outright, as in Confluent's registry.
   */
  check(
    candidate: ParsedSubmission,
    versions: readonly SchemaValue[],
    level: CompatibilityLevel,
  ): CompatibilityVerdict {
    if (level === 'NONE' || versions.length === 0) return COMPATIBLE;
    for (const value of [...versions].reverse()) {
      if ((value.schemaType ?? 'AVRO').toUpperCase() !== candidate.format.type) {
        return {
          compatible: false,
          messages: versionMessages(
            ['Incompatible because of different schema type'],
            value.version,
            value.schema,
            level,
          ),
        };
      }
      let verdict: CompatibilityVerdict;
      try {
        verdict = candidate.format.checkCompatibility(candidate.parsed, [this.reader.stored(value)], level);
      } catch (error) {
        // A schema too deeply nested to compare is refused like one that does not parse.
        if (error instanceof SchemaParseError)
          throw RegistryErrors.invalidSchema(`Invalid schema: ${error.message}`);
        throw error;
      }
      if (!verdict.compatible) return verdict;
    }
    return COMPATIBLE;
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
