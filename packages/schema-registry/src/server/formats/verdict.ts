import type { CompatibilityLevel, FormatIncompatibility } from '../../compatibility/levels.js';
import { checkAgainstVersions } from '../../compatibility/levels.js';
import { versionMessages } from '../../compatibility/messages.js';
import type { CompatibilityRules } from '../../compatibility/rules.js';
import type { CompatibilityVerdict, StoredVersion } from './schema-format.js';

/**
 * Checks a candidate against each previous version, newest first, under a level's directions, and stops at the
 * first incompatible version with Confluent's messages for it: what old readers cannot read first, then what the
 * new schema cannot read, then the version, its schema and the level.
 */
export function confluentVerdict<S, I extends FormatIncompatibility>(
  rules: CompatibilityRules<S, I>,
  candidate: S,
  previous: readonly StoredVersion<S>[],
  level: CompatibilityLevel,
): CompatibilityVerdict {
  for (const old of [...previous].reverse()) {
    const result = checkAgainstVersions(rules.readable, candidate, [old.parsed], level);
    if (result.compatible) continue;
    const ordered = [
      ...result.incompatibilities.filter((i) => i.direction === 'old-reads-new'),
      ...result.incompatibilities.filter((i) => i.direction === 'new-reads-old'),
    ];
    return {
      compatible: false,
      messages: versionMessages(ordered.map(rules.difference), old.version, old.schema, level),
    };
  }
  return { compatible: true, messages: [] };
}
