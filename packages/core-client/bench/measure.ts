/** Small measuring helpers the bench scripts share. */
import { readFileSync } from 'node:fs';

/** CPU seconds (user+sys) a process used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Median of the finite values (NaN when there are none). */
export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median, lowest and highest of the values (NaN for none). */
export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** One client's run of one scenario, as both bench tables record it. */
export interface RunRow {
  scenario: string;
  client: string;
  /** Repetition, from 0. */
  run: number;
  ok: boolean;
  msgsPerSec?: number;
}

/** The runs of each scenario and client, in the order they first appear; `ok` are the successful ones. */
export function groupRuns<R extends RunRow>(
  rows: R[],
): { scenario: string; client: string; all: R[]; ok: R[] }[] {
  const keys = [...new Set(rows.map((r) => `${r.scenario}\u0000${r.client}`))];
  return keys.map((key) => {
    const [scenario, client] = key.split('\u0000') as [string, string];
    const all = rows.filter((r) => r.scenario === scenario && r.client === client);
    return { scenario, client, all, ok: all.filter((r) => r.ok) };
  });
}

/** For each of `runs`, the `baseline` client's rate in the same scenario and repetition over its own. */
export function sameRunRatios<R extends RunRow>(rows: R[], runs: R[], baseline: string): number[] {
  const ratios: number[] = [];
  for (const r of runs) {
    const base = rows.find(
      (x) => x.scenario === r.scenario && x.client === baseline && x.run === r.run && x.ok,
    );
    if (base) ratios.push(base.msgsPerSec! / r.msgsPerSec!);
  }
  return ratios;
}
