/**
 * The users SASL knows: a password for PLAIN, and SCRAM credentials per mechanism (salt, iterations, stored
 * and server keys). Users given as name and password get all three; DescribeUserScramCredentials and
 * AlterUserScramCredentials read and change the SCRAM ones. With a data dir, SCRAM credentials are kept in
 * `scram-credentials.json` so changes made through the API survive restarts; users from the command line
 * are set again at every start.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../storage/atomic-file.js';
import {
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
  scramCredentialFromPassword,
} from './scram.js';

export interface UserCredentialsDescription {
  user: string;
  credentials: Array<{ mechanism: ScramMechanism; iterations: number }>;
}

interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

type StoredFile = { version: 1; users: Record<string, Partial<Record<ScramMechanism, StoredCredential>>> };

export class CredentialStore {
  private readonly passwords = new Map<string, string>();
  private readonly scram = new Map<string, Map<ScramMechanism, ScramCredential>>();

  /** `file`: where SCRAM credentials are kept (read now if it exists). */
  constructor(private readonly file?: string) {
    if (file) this.load(file);
  }

  /** A user with a password: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (not persisted: it comes from config). */
  addUser(name: string, password: string): void {
    if (name === '') throw new TypeError('A SASL user needs a name.');
    this.passwords.set(name, password);
    const mechanisms = this.scram.get(name) ?? new Map<ScramMechanism, ScramCredential>();
    for (const mechanism of SCRAM_MECHANISMS)
      mechanisms.set(mechanism, scramCredentialFromPassword(mechanism, password));
    this.scram.set(name, mechanisms);
  }

  password(user: string): string | undefined {
    return this.passwords.get(user);
  }

  scramCredential(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.scram.get(user)?.get(mechanism);
  }

  hasScramUser(user: string): boolean {
    return (this.scram.get(user)?.size ?? 0) > 0;
  }

  /** SCRAM users and their mechanisms; `users` undefined: every user that has one. */
  describe(users?: readonly string[]): UserCredentialsDescription[] {
    const names = users ?? [...this.scram.keys()].filter((u) => this.hasScramUser(u)).sort();
    return names.map((user) => ({
      user,
      credentials: [...(this.scram.get(user) ?? new Map()).entries()].map(([mechanism, c]) => ({
        mechanism,
        iterations: c.iterations,
      })),
    }));
  }

  upsertScram(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    const mechanisms = this.scram.get(user) ?? new Map<ScramMechanism, ScramCredential>();
    mechanisms.set(mechanism, credential);
    this.scram.set(user, mechanisms);
  }

  /** Removes one SCRAM credential; false when the user had none for that mechanism. */
  deleteScram(user: string, mechanism: ScramMechanism): boolean {
    const mechanisms = this.scram.get(user);
    if (!mechanisms?.delete(mechanism)) return false;
    if (mechanisms.size === 0) this.scram.delete(user);
    return true;
  }

  /** Writes the SCRAM credentials to the store's file (if it has one). */
  save(): void {
    if (!this.file) return;
    const users: StoredFile['users'] = {};
    for (const [user, mechanisms] of this.scram) {
      const entry: Partial<Record<ScramMechanism, StoredCredential>> = {};
      for (const [mechanism, c] of mechanisms) {
        entry[mechanism] = {
          salt: c.salt.toString('base64'),
          iterations: c.iterations,
          storedKey: c.storedKey.toString('base64'),
          serverKey: c.serverKey.toString('base64'),
        };
      }
      users[user] = entry;
    }
    const content: StoredFile = { version: 1, users };
    writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`);
  }

  private load(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const parsed = JSON.parse(text) as StoredFile;
    if (parsed.version !== 1 || typeof parsed.users !== 'object') {
      throw new Error(`${file}: not a SCRAM credentials file this broker can read.`);
    }
    for (const [user, entry] of Object.entries(parsed.users)) {
      for (const mechanism of SCRAM_MECHANISMS) {
        const stored = entry[mechanism];
        if (!stored) continue;
        this.upsertScram(user, mechanism, {
          salt: Buffer.from(stored.salt, 'base64'),
          iterations: stored.iterations,
          storedKey: Buffer.from(stored.storedKey, 'base64'),
          serverKey: Buffer.from(stored.serverKey, 'base64'),
        });
      }
    }
  }
}

/**
 * Parses `name:password` (a `--user` flag or a line of a users file). The name ends at the first colon, so
 * passwords may contain colons.
 */
export function parseUserEntry(text: string, where = 'user'): { name: string; password: string } {
  const colon = text.indexOf(':');
  if (colon <= 0)
    throw new TypeError(`${where}: expected name:password, got '${text.replace(/:.*/, ':…')}'.`);
  return { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The users of a users file: one `name:password` per line; blank lines and lines starting with # are skipped. */
export function parseUsersFile(text: string, file: string): Array<{ name: string; password: string }> {
  const users: Array<{ name: string; password: string }> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    users.push(parseUserEntry(trimmed, `${file}:${index + 1}`));
  });
  return users;
}
