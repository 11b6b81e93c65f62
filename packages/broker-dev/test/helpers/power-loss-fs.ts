/**
 * A power-loss model of the file system for durability tests, layered over the real node:fs with
 * vi.mock: it passes every call through and remembers, per file, its content as of its last fsync or
 * fdatasync. `survivors()` writes the files as a power loss would leave them under this model: each file
 * holds only what it held when last synced (empty if it never was); names are kept as they are (the broker
 * fsyncs directories after creating and renaming files). It also counts syncs, and tells whether a file
 * has bytes not yet synced, so a test can check that an acknowledgement came after the fsync.
 *
 * This module must not import node:fs itself (it builds the mock of it): the real module is passed in.
 */

import type * as Fs from 'node:fs';
import path from 'node:path';

type RealFs = typeof Fs;

export class SyncTracker {
  /** Files under `root` whose writes are tracked: path -> content at the last sync (undefined: never). */
  private readonly synced = new Map<string, Buffer | undefined>();
  private readonly pathsByFd = new Map<number, string>();
  private syncCount = 0;
  root: string | undefined;

  constructor(private readonly real: RealFs) {}

  /** Starts tracking files under `root` (a fresh directory). */
  track(root: string): void {
    this.root = path.resolve(root);
    this.synced.clear();
    this.syncCount = 0;
  }

  get fsyncs(): number {
    return this.syncCount;
  }

  private tracked(file: string): string | undefined {
    const absolute = path.resolve(file);
    return this.root !== undefined && absolute.startsWith(this.root + path.sep) ? absolute : undefined;
  }

  opened(file: string, fd: number): void {
    const absolute = this.tracked(file);
    if (absolute === undefined) return;
    this.pathsByFd.set(fd, absolute);
    // A file that existed before tracking saw it is taken as durable as it is.
    if (!this.synced.has(absolute) && this.real.statSync(absolute).isFile()) {
      this.synced.set(
        absolute,
        this.real.statSync(absolute).size === 0 ? undefined : this.real.readFileSync(absolute),
      );
    }
  }

  closed(fd: number): void {
    this.pathsByFd.delete(fd);
  }

  syncedFd(fd: number): void {
    this.syncCount++;
    const file = this.pathsByFd.get(fd);
    if (file !== undefined && this.real.fstatSync(fd).isFile())
      this.synced.set(file, this.real.readFileSync(file));
  }

  renamed(from: string, to: string): void {
    const source = this.tracked(from);
    const target = this.tracked(to);
    if (source === undefined || target === undefined) return;
    const content = this.synced.get(source);
    this.synced.delete(source);
    this.synced.set(target, content);
    for (const [fd, file] of this.pathsByFd) if (file === source) this.pathsByFd.set(fd, target);
  }

  removed(file: string): void {
    const absolute = this.tracked(file);
    if (absolute === undefined) return;
    for (const known of [...this.synced.keys()]) {
      if (known === absolute || known.startsWith(absolute + path.sep)) this.synced.delete(known);
    }
  }

  /** Bytes of `file` (real, now) that a power loss would lose: its current size minus what was synced. */
  unsyncedBytes(file: string): number {
    const absolute = path.resolve(file);
    const current = this.real.readFileSync(absolute);
    const synced = this.synced.get(absolute);
    if (
      synced !== undefined &&
      current.length >= synced.length &&
      current.subarray(0, synced.length).equals(synced)
    ) {
      return current.length - synced.length;
    }
    return current.length;
  }

  /** Tracked files under `dir` whose names end with `suffix`. */
  files(dir: string, suffix: string): string[] {
    const out: string[] = [];
    const walk = (at: string) => {
      for (const entry of this.real.readdirSync(at, { withFileTypes: true })) {
        const full = path.join(at, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(suffix)) out.push(full);
      }
    };
    walk(path.resolve(dir));
    return out;
  }

  /** Writes the tracked tree as a power loss would leave it into `target` (a new directory). */
  survivors(target: string): void {
    const root = this.root;
    if (root === undefined) throw new Error('nothing is tracked');
    const copy = (from: string, to: string) => {
      this.real.mkdirSync(to, { recursive: true });
      for (const entry of this.real.readdirSync(from, { withFileTypes: true })) {
        const source = path.join(from, entry.name);
        const destination = path.join(to, entry.name);
        if (entry.isDirectory()) copy(source, destination);
        else this.real.writeFileSync(destination, this.synced.get(source) ?? Buffer.alloc(0));
      }
    };
    copy(root, path.resolve(target));
  }
}

/** node:fs with the calls the broker's storage makes reported to `tracker`. */
export function trackingFs(real: RealFs, tracker: SyncTracker): RealFs {
  const fs: RealFs = {
    ...real,
    openSync: ((file: Fs.PathLike, ...rest: unknown[]) => {
      const fd = (real.openSync as (...args: unknown[]) => number)(file, ...rest);
      tracker.opened(String(file), fd);
      return fd;
    }) as RealFs['openSync'],
    closeSync: (fd: number) => {
      tracker.closed(fd);
      real.closeSync(fd);
    },
    fsyncSync: (fd: number) => {
      real.fsyncSync(fd);
      tracker.syncedFd(fd);
    },
    fdatasyncSync: (fd: number) => {
      real.fdatasyncSync(fd);
      tracker.syncedFd(fd);
    },
    fsync: ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      real.fsync(fd, (error) => {
        if (!error) tracker.syncedFd(fd);
        callback(error);
      });
    }) as RealFs['fsync'],
    fdatasync: ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      real.fdatasync(fd, (error) => {
        if (!error) tracker.syncedFd(fd);
        callback(error);
      });
    }) as RealFs['fdatasync'],
    renameSync: (from: Fs.PathLike, to: Fs.PathLike) => {
      real.renameSync(from, to);
      tracker.renamed(String(from), String(to));
    },
    unlinkSync: (file: Fs.PathLike) => {
      real.unlinkSync(file);
      tracker.removed(String(file));
    },
    rmSync: (file: Fs.PathLike, options?: Fs.RmOptions) => {
      real.rmSync(file, options);
      tracker.removed(String(file));
    },
  };
  return { ...fs, default: fs } as RealFs;
}
