import type { CompatibilityLevel } from '../../compatibility/levels.js';
import { configKey, type Mode, modeKey } from '../records.js';
import type { RegistryState } from '../state.js';
import { RegistryErrors } from './errors.js';
import type { LogWriter } from './log-writer.js';
import { assertValidSubject } from './subject-name.js';

/**
 * Compatibility levels and modes, global (`subject` null) and per subject. A subject without its own setting
 * follows the global one; without a global level the registry's default (BACKWARD) applies, without a global
 * mode READWRITE.
 */
export class RegistryConfig {
  constructor(
    private readonly state: RegistryState,
    private readonly writer: LogWriter,
    private readonly defaultLevel: CompatibilityLevel,
  ) {}

  globalCompatibility(): CompatibilityLevel {
    return this.state.compatibilityOf(null) ?? this.defaultLevel;
  }

  /** The level that applies to the subject's registrations. */
  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.state.compatibilityOf(subject) ?? this.globalCompatibility();
  }

  /** The subject's own level (or the global one when asked); 40408 when it has none. */
  compatibility(subject: string | null, options: { defaultToGlobal?: boolean } = {}): CompatibilityLevel {
    if (subject === null) return this.globalCompatibility();
    const level = this.state.compatibilityOf(subject);
    if (level) return level;
    if (options.defaultToGlobal) return this.globalCompatibility();
    throw RegistryErrors.subjectCompatibilityNotConfigured(subject);
  }

  async setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    if (subject !== null) assertValidSubject(subject);
    return this.writer.write(async () => {
      await this.writer.append([{ key: configKey(subject), value: { compatibilityLevel: level } }]);
      return level;
    });
  }

  /** Removes a level; resolves with the one removed (for the global level: the one in force until now). */
  deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.writer.write(async () => {
      if (subject === null) {
        const old = this.globalCompatibility();
        await this.writer.append([{ key: configKey(null), value: null }]);
        return old;
      }
      if (this.state.versions(subject, true).length === 0 && !this.state.configs.has(subject)) {
        throw RegistryErrors.subjectNotFound(subject);
      }
      const old = this.state.compatibilityOf(subject);
      if (!old) throw RegistryErrors.subjectCompatibilityNotConfigured(subject);
      await this.writer.append([{ key: configKey(subject), value: null }]);
      return old;
    });
  }

  /** Whether the subject's config asks for normalized schemas on every registration. */
  normalizes(subject: string): boolean {
    return this.state.configs.get(subject)?.normalize === true;
  }

  globalMode(): Mode {
    return this.state.modes.get(null) ?? 'READWRITE';
  }

  effectiveMode(subject: string): Mode {
    return this.state.modes.get(subject) ?? this.globalMode();
  }

  /** The subject's own mode (or the global one when asked); 40409 when it has none. */
  mode(subject: string | null, options: { defaultToGlobal?: boolean } = {}): Mode {
    if (subject === null) return this.globalMode();
    const mode = this.state.modes.get(subject);
    if (mode) return mode;
    if (options.defaultToGlobal) return this.globalMode();
    throw RegistryErrors.subjectModeNotConfigured(subject);
  }

  /** IMPORT needs `force` while schemas exist (registered ids could clash with imported ones). */
  async setMode(subject: string | null, mode: Mode, options: { force?: boolean } = {}): Promise<Mode> {
    if (subject !== null) assertValidSubject(subject);
    return this.writer.write(async () => {
      if (mode === 'IMPORT' && !options.force) {
        const hasSchemas =
          subject === null ? this.state.subjects.size > 0 : this.state.versions(subject, true).length > 0;
        if (hasSchemas) {
          throw RegistryErrors.operationNotPermitted(
            'Cannot import since found existing subjects; set force=true to switch to IMPORT mode anyway',
          );
        }
      }
      await this.writer.append([{ key: modeKey(subject), value: { mode } }]);
      return mode;
    });
  }

  /** Removes a mode; resolves with the one removed. */
  deleteMode(subject: string | null): Promise<Mode> {
    return this.writer.write(async () => {
      const old = subject === null ? this.globalMode() : this.state.modes.get(subject);
      if (!old) throw RegistryErrors.subjectModeNotConfigured(subject ?? '');
      await this.writer.append([{ key: modeKey(subject), value: null }]);
      return old;
    });
  }

  /** Refuses writes to a subject in a read-only mode (42205). */
  assertWritable(subject: string): void {
    const mode = this.effectiveMode(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw RegistryErrors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
    }
  }
}
