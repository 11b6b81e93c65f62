import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GitError extends Error {
  override name = 'GitError';
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; code?: string | number; message: string };
    if (e.code === 'ENOENT')
      throw new GitError('git is not installed or not on PATH; install git or use --registry');
    throw new GitError((e.stderr || e.message).trim());
  }
}

export interface FileVersion {
  /** How a report names this version: `HEAD`, `main (1a2b3c4)`, a short commit id. */
  label: string;
  commit: string;
  text: string;
}

/** The file's content at a ref, or undefined when the file does not exist there (a new schema). */
export async function fileAtRef(path: string, ref: string): Promise<FileVersion | undefined> {
  const absolute = resolve(path);
  const cwd = dirname(absolute);
  const relative = await repoRelative(absolute);
  const commit = (
    await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')
  ).trim();
  if (!commit) throw new GitError(`Unknown git ref "${ref}"; fetch it first (e.g. git fetch origin main)`);
  try {
    const text = await git(cwd, ['show', `${commit}:${relative}`]);
    return { label: `${ref} (${commit.slice(0, 7)})`, commit, text };
  } catch {
    return undefined;
  }
}

/** Every committed version of the file reachable from ref, oldest first, skipping consecutive duplicates. */
export async function fileHistory(path: string, ref: string): Promise<FileVersion[]> {
  const absolute = resolve(path);
  const cwd = dirname(absolute);
  const relative = await repoRelative(absolute);
  const commit = (
    await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')
  ).trim();
  if (!commit) throw new GitError(`Unknown git ref "${ref}"; fetch it first (e.g. git fetch origin main)`);
  const root = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const log = await git(root, ['log', '--format=%H', '--topo-order', '--reverse', commit, '--', relative]);
  const versions: FileVersion[] = [];
  for (const sha of log.split('\n').filter(Boolean)) {
    let text: string;
    try {
      text = await git(root, ['show', `${sha}:${relative}`]);
    } catch {
      continue; // the commit deleted the file
    }
    if (versions.at(-1)?.text === text) continue;
    versions.push({ label: sha.slice(0, 7), commit: sha, text });
  }
  return versions;
}

async function repoRelative(absolute: string): Promise<string> {
  const cwd = dirname(absolute);
  let root: string;
  try {
    root = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new GitError(`${absolute} is not inside a git repository; use --registry, or run in a clone`);
  }
  const real = realpathSync(absolute);
  const realRoot = realpathSync(root);
  return real
    .slice(realRoot.length + 1)
    .split('\\')
    .join('/');
}
