/** Flag values the registry's commands share: compatibility levels and basic-auth credentials. */
import { InvalidArgumentError, UsageError } from '@samsa/cli-kit';
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  parseCompatibilityLevel,
} from '../../compatibility/levels.js';
import type { BasicAuthUser } from '../../server/http.js';

/** Parses `--level` / `--compatibility` case-insensitively. */
export function compatibilityLevel(value: string): CompatibilityLevel {
  const level = parseCompatibilityLevel(value);
  if (!level) throw new InvalidArgumentError(`Expected one of ${COMPATIBILITY_LEVELS.join(', ')}.`);
  return level;
}

/** `--basic-auth user:password` values, then SAMSA_REGISTRY_BASIC_AUTH. */
export function basicAuthUsers(
  values: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): BasicAuthUser[] {
  const all = [...(values ?? []), ...(env.SAMSA_REGISTRY_BASIC_AUTH ? [env.SAMSA_REGISTRY_BASIC_AUTH] : [])];
  return all.map((value) => {
    const separator = value.indexOf(':');
    if (separator <= 0) throw new UsageError(`--basic-auth needs user:password, not "${value}"`);
    return { username: value.slice(0, separator), password: value.slice(separator + 1) };
  });
}
