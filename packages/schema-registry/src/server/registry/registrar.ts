import { md5 } from '../../avro/canonical.js';
import type { SchemaValue } from '../records.js';
import { schemaKey } from '../records.js';
import type { RegistryState } from '../state.js';
import { type CompatibilityChecks, versionsCovered } from './compatibility.js';
import type { RegistryConfig } from './config.js';
import { RegistryErrors } from './errors.js';
import type { Registration } from './input.js';
import type { LogWriter } from './log-writer.js';
import { type SchemaReader, sameReferences } from './schema-reader.js';
import { assertValidSubject } from './subject-name.js';

/**
 * Registering schemas under subjects: ids (one per distinct schema, shared across subjects, never reused),
 * versions, the compatibility check, idempotence, and IMPORT mode's given ids and versions.
 */
export class Registrar {
  constructor(
    private readonly state: RegistryState,
    private readonly writer: LogWriter,
    private readonly config: RegistryConfig,
    private readonly reader: SchemaReader,
    private readonly compatibility: CompatibilityChecks,
  ) {}

  /**
   * Registers a schema as the subject's next version, or (IMPORT mode) under the id and version given; resolves
   * with its id. The same schema already live under the subject keeps its id and version. `force` skips the
   * compatibility check; `normalize` compares and stores the normalized form.
   */
  async register(
    subject: string,
    registration: Registration,
    options: { normalize?: boolean; force?: boolean } = {},
  ): Promise<number> {
    assertValidSubject(subject);
    const candidate = this.reader.parse(registration, { strict: true });
    const { id: requestedId, version: requestedVersion } = registration;
    const hasId = requestedId !== undefined && requestedId >= 0;
    return this.writer.write(async () => {
      const mode = this.config.effectiveMode(subject);
      const importing = mode === 'IMPORT' || mode === 'FORWARD';
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
        throw RegistryErrors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
      }
      if (hasId && !importing)
        throw RegistryErrors.operationNotPermitted(`Subject ${subject} is not in import mode`);
      if (!hasId && mode !== 'READWRITE') {
        throw RegistryErrors.operationNotPermitted(
          `Subject ${subject} is in ${mode} mode; registering needs READWRITE mode`,
        );
      }
      const normalize = options.normalize === true || this.config.normalizes(subject);
      const canonical = normalize ? candidate.normalized : candidate.canonical;
      const all = this.state.versions(subject, true);
      const live = all.filter((value) => !value.deleted);

      // Idempotent: the same schema already live under this subject keeps its id and version.
      const existing = [...live]
        .reverse()
        .find((value) => this.reader.sameSchema(value, candidate, normalize));
      if (existing && !hasId) return existing.id;

      if (!importing && options.force !== true) {
        const level = this.config.effectiveCompatibility(subject);
        const verdict = this.compatibility.check(candidate, versionsCovered(level, live), level);
        if (!verdict.compatible) throw RegistryErrors.incompatibleSchema(subject, verdict.messages);
      }

      let id: number;
      if (hasId) {
        id = requestedId;
        const stored = this.state.schemaById(id);
        if (
          stored &&
          (stored.schema !== canonical || !sameReferences(stored.references, candidate.references))
        ) {
          throw RegistryErrors.idConflict(id);
        }
      } else {
        id = this.state.idOf(canonical, candidate.references) ?? this.state.maxId + 1;
      }
      let version = all.reduce((max, value) => Math.max(max, value.version), 0) + 1;
      if (hasId && requestedVersion !== undefined) {
        version = requestedVersion;
        if (all.some((value) => value.version === version && !value.deleted)) {
          throw RegistryErrors.operationNotPermitted(
            `Version ${version} of subject ${subject} already exists`,
          );
        }
      }
      const value: SchemaValue = {
        subject,
        version,
        id,
        md5: md5(canonical).toString('base64'),
        // Stored values name no type for Avro, as Confluent writes them.
        ...(candidate.format.type !== 'AVRO' ? { schemaType: candidate.format.type } : {}),
        ...(candidate.references.length > 0 ? { references: candidate.references } : {}),
        schema: canonical,
        deleted: false,
      };
      await this.writer.append([{ key: schemaKey(subject, version), value }]);
      return id;
    });
  }
}
