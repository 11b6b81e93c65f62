/**
 * The ACLs the broker holds: added, removed and listed by filter, and with a data directory kept in
 * `cluster-metadata/acls.json` (replaced atomically on every change), so they survive a restart.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { CLUSTER_STATE_DIR } from '../storage/cluster-state.js';
import {
  type AclBinding,
  type AclBindingFilter,
  aclBindingKey,
  aclBindingProblem,
  aclFilterMatches,
} from './acl-binding.js';

export const ACLS_FILE = 'acls.json';
const FORMAT_VERSION = 0;

/** acls.json cannot be read back; starting without its ACLs could open what they close. */
export class AclFileError extends Error {
  constructor(file: string, problem: string) {
    super(
      `Cannot load the ACLs in ${file}: ${problem}. Fix or remove the file (removing it drops every ACL).`,
    );
    this.name = 'AclFileError';
  }
}

export class AclStore {
  private readonly bindings = new Map<string, AclBinding>();
  private readonly file: string | undefined;

  /** `dataDir` omitted: in memory only. */
  constructor(dataDir?: string) {
    if (dataDir === undefined) return;
    const dir = path.join(dataDir, CLUSTER_STATE_DIR);
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, ACLS_FILE);
    if (existsSync(this.file))
      for (const binding of readAclFile(this.file)) this.bindings.set(aclBindingKey(binding), binding);
  }

  get size(): number {
    return this.bindings.size;
  }

  /** Every binding, in the order they were added. */
  all(): Iterable<AclBinding> {
    return this.bindings.values();
  }

  list(filter: AclBindingFilter): AclBinding[] {
    return [...this.bindings.values()].filter((b) => aclFilterMatches(filter, b));
  }

  /** Adds bindings (already validated); adding one that exists changes nothing, as in Kafka. */
  add(bindings: readonly AclBinding[]): void {
    let changed = false;
    for (const binding of bindings) {
      const key = aclBindingKey(binding);
      if (this.bindings.has(key)) continue;
      this.bindings.set(key, { ...binding });
      changed = true;
    }
    if (changed) this.save();
  }

  /** Removes the bindings each filter matches; returns them per filter (a binding goes to the first filter). */
  remove(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const removed = filters.map((filter) => {
      const matching = this.list(filter);
      for (const binding of matching) this.bindings.delete(aclBindingKey(binding));
      return matching;
    });
    if (removed.some((r) => r.length > 0)) this.save();
    return removed;
  }

  private save(): void {
    if (!this.file) return;
    const acls = [...this.bindings.values()];
    writeFileAtomic(this.file, `${JSON.stringify({ version: FORMAT_VERSION, acls }, null, 2)}\n`);
  }
}

function readAclFile(file: string): AclBinding[] {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AclFileError(file, (err as Error).message);
  }
  const { version, acls } = (saved ?? {}) as { version?: unknown; acls?: unknown };
  if (version !== FORMAT_VERSION) throw new AclFileError(file, `unknown format version ${String(version)}`);
  if (!Array.isArray(acls)) throw new AclFileError(file, 'no "acls" array');
  return acls.map((entry, i) => {
    const binding = toBinding(entry);
    const problem = binding ? aclBindingProblem(binding) : 'not an ACL';
    if (problem || !binding) throw new AclFileError(file, `entry ${i}: ${problem}`);
    return binding;
  });
}

function toBinding(entry: unknown): AclBinding | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const numbers = ['resourceType', 'patternType', 'operation', 'permissionType'] as const;
  const strings = ['resourceName', 'principal', 'host'] as const;
  if (numbers.some((k) => !Number.isInteger(e[k])) || strings.some((k) => typeof e[k] !== 'string'))
    return undefined;
  return {
    resourceType: e.resourceType as number,
    resourceName: e.resourceName as string,
    patternType: e.patternType as number,
    principal: e.principal as string,
    host: e.host as string,
    operation: e.operation as number,
    permissionType: e.permissionType as number,
  };
}
