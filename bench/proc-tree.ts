// What a process tree costs, read from Linux's /proc: CPU ticks (utime + stime) and memory (PSS,
// which splits shared pages fairly between the processes sharing them, so a tree's sum is honest).
// The idle benchmark reads Chromium's tree, every process the bench's Node started.

import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime and stime. Linux reports 100 on every architecture we run on. */
export const TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in ticks. */
  ticks: number;
}

/** One /proc/<pid>/stat line; the command name may hold spaces and parentheses, so fields count from the last ')'. */
export function parseStat(line: string): ProcStat | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(line.slice(0, open).trim());
  const fields = line.slice(close + 2).split(' ');
  // After the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime.
  const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
  if (![pid, ppid, utime, stime].every(Number.isInteger)) return null;
  return { pid, ppid, ticks: utime + stime };
}

/** The Pss line of /proc/<pid>/smaps_rollup, in kB; null when absent. */
export function parsePssKb(rollup: string): number | null {
  const match = /^Pss:\s+(\d+) kB$/m.exec(rollup);
  return match ? Number(match[1]) : null;
}

/** Every process below `root` (not `root` itself), from a list of stats. */
export function descendants(stats: readonly ProcStat[], root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const found: ProcStat[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Ticks spent between two readings of a tree: a process born in between counts from zero; one that died is lost. */
export function ticksBetween(before: readonly ProcStat[], after: readonly ProcStat[]): number {
  const start = new Map(before.map((stat) => [stat.pid, stat.ticks]));
  return after.reduce((sum, stat) => sum + stat.ticks - (start.get(stat.pid) ?? 0), 0);
}

const readOrNull = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // the process ended while we looked
  }
};

/** The processes below `root` now. */
export function treeOf(root = process.pid): ProcStat[] {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readOrNull(`/proc/${name}/stat`))
    .map((line) => (line === null ? null : parseStat(line)))
    .filter((stat): stat is ProcStat => stat !== null);
  return descendants(stats, root);
}

/** PSS of the processes below `root`, in MiB. */
export function treePssMiB(root = process.pid): number {
  const kb = treeOf(root).reduce((sum, stat) => sum + (parsePssKb(readOrNull(`/proc/${stat.pid}/smaps_rollup`) ?? '') ?? 0), 0);
  return kb / 1024;
}

/**
 * Whether a /proc/<pid>/cmdline is a Chromium renderer (one per tab). Its arguments are NUL-separated,
 * unless the process rewrote its title, as Chromium's children do: then they are one line, spaces between.
 */
export function isRenderer(cmdline: string): boolean {
  return cmdline.split(/[\0 ]/).includes('--type=renderer');
}

/** PSS of each renderer below `root`, in MiB: what a tab costs, apart from the browser's shared processes. */
export function rendererPssMiB(root = process.pid): number[] {
  return treeOf(root)
    .filter((stat) => isRenderer(readOrNull(`/proc/${stat.pid}/cmdline`) ?? ''))
    .map((stat) => (parsePssKb(readOrNull(`/proc/${stat.pid}/smaps_rollup`) ?? '') ?? 0) / 1024);
}
