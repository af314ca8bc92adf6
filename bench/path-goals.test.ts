import { describe, expect, it } from 'vitest';
import type { BenchResult, Figure } from './figures.ts';
import { goalSection, PATH_GOALS } from './path-goals.ts';

const figure = (label: string, value: number, base: number): Figure => ({ label, unit: 'ms', value, baseline: { label: 'b', value: base } });
const result = (name: BenchResult['name'], figures: Figure[]): BenchResult => ({ name, status: 'measured', notes: [], figures, details: [], settings: {}, raw: null });

describe('the goals of the message path', () => {
  it('say met or not met for each figure the run measured, and leave out the ones it did not', () => {
    const lines = goalSection(PATH_GOALS, [
      result('relay', [figure('round trip A→B→A: hive.send until acked (via the queen)', 9, 0.5), figure('throughput A→B, 4 KiB messages', 600, 1000)]),
      result('upgrade', [figure('8 tabs, queen mode: seedUpgrade() → every tab runs it (per colony)', 60, 80)]),
    ]);
    expect(lines.filter((line) => line.startsWith('- '))).toEqual([
      '- relayed round trip ≤ 4× direct ping-pong: 18× (goal ≤ 4.00×): **not met**',
      '- relayed throughput of 4 KiB messages ≥ 0.5× a direct channel: 0.60× (goal ≥ 0.50×): **met**',
      '- upgrade spread per colony, queen ÷ discovery mode, 8 tabs ≤ 1×: 0.75× (goal ≤ 1.00×): **met**',
    ]);
  });

  it('print nothing when the run measured none of them', () => {
    expect(goalSection(PATH_GOALS, [result('join', [])])).toEqual([]);
  });
});
