// Issue 15's goals for the message path and the upgrade spread, judged on the figures of a run:
// each goal names the figure it reads (by label) and the ratio to its baseline that meets it.
// The summary prints one line per goal, met or not met. Pure.

import type { BenchResult, Figure } from './figures.ts';
import { formatRatio, ratio } from './figures.ts';

export interface Goal {
  /** What the goal asks, in the words. */
  label: string;
  bench: BenchResult['name'];
  /** Picks the figure the goal is judged on. */
  figure: (figure: Figure) => boolean;
  /** Met when the figure's ratio to its baseline is at most (or at least) this. */
  atMost?: number;
  atLeast?: number;
}

const queenSpread = (size: number) => (figure: Figure) => figure.label === `${size} tabs, queen mode: seedUpgrade() → every tab runs it (per colony)`;

export const PATH_GOALS: readonly Goal[] = [
  { label: 'relayed round trip ≤ 4× direct ping-pong', bench: 'relay', figure: (f) => f.label.startsWith('round trip A→B→A'), atMost: 4 },
  { label: 'relayed throughput of 4 KiB messages ≥ 0.5× a direct channel', bench: 'relay', figure: (f) => f.label.startsWith('throughput A→B'), atLeast: 0.5 },
  { label: 'upgrade spread per colony, queen ÷ discovery mode, 8 tabs ≤ 1×', bench: 'upgrade', figure: queenSpread(8), atMost: 1 },
  { label: 'upgrade spread per colony, queen ÷ discovery mode, 32 tabs ≤ 0.2×', bench: 'upgrade', figure: queenSpread(32), atMost: 0.2 },
];

/** One line for a goal: the ratio measured and whether it meets the goal; null if the run did not measure it. */
export function goalLine(goal: Goal, results: readonly BenchResult[]): string | null {
  const figure = results.find((result) => result.name === goal.bench)?.figures.find(goal.figure);
  if (!figure) return null;
  const measured = ratio(figure);
  const target = goal.atMost !== undefined ? `≤ ${formatRatio(goal.atMost)}` : `≥ ${formatRatio(goal.atLeast ?? 0)}`;
  const met = measured !== null && (goal.atMost === undefined || measured <= goal.atMost) && (goal.atLeast === undefined || measured >= goal.atLeast);
  return `- ${goal.label}: ${formatRatio(measured)} (goal ${target}): **${measured === null ? 'not measured' : met ? 'met' : 'not met'}**`;
}

/** The goals this run measured, as a markdown section (nothing when it measured none). */
export function goalSection(goals: readonly Goal[], results: readonly BenchResult[]): string[] {
  const lines = goals.map((goal) => goalLine(goal, results)).filter((line): line is string => line !== null);
  return lines.length === 0 ? [] : ['Goals (issue 15, the message path and upgrades):', '', ...lines, ''];
}
