import { describe, expect, it } from 'vitest';
import { spread, type Figure } from './figures.ts';
import { ratioGoal, timingGoal, verdict } from './goals.ts';
import { relayGoals } from './relay.ts';
import { upgradeGoals } from './upgrade.ts';

describe('the issue goals, judged against measured figures', () => {
  it('meets a timing goal only when the p50 and the p95 are both below their limits', () => {
    const quick = timingGoal('crash', spread([400, 500, 600]), { p50: 1000, p95: 1500 });
    expect(verdict(quick)).toBe('met');
    expect(quick.target).toBe('p50 < 1,000 ms, p95 < 1,500 ms');
    expect(quick.measured).toBe('p50 500 ms, p95 600 ms (n=3)');
    // A fast middle does not hide a slow tail.
    const tail = timingGoal('crash', spread([400, 500, 600, 700, 800, 900, 900, 900, 7000, 7000]), { p50: 1000, p95: 1500 });
    expect(verdict(tail)).toBe('not met');
  });

  it('says a goal with no sample was not measured rather than met or not', () => {
    expect(verdict(timingGoal('frozen', spread([null, null]), { p50: 2500 }))).toBe('not measured');
    expect(verdict(ratioGoal('join', 3000, { label: 'hive.ready p50', value: null }, 1.3))).toBe('not measured');
  });

  it('judges a ratio goal by value over baseline', () => {
    expect(verdict(ratioGoal('join', 2600, { label: 'hive.ready p50', value: 2000 }, 1.3))).toBe('met');
    const slow = ratioGoal('join', 6700, { label: 'hive.ready p50', value: 2700 }, 1.3);
    expect(slow.measured).toBe('6,700 ms = 2.48× 2,700 ms');
    expect(verdict(slow)).toBe('not met');
  });

  it('judges the message path and the upgrade spread on their figures, and leaves a figure not measured unjudged', () => {
    const figure = (label: string, value: number, base: number): Figure => ({ label, unit: 'ms', value, baseline: { label: 'b', value: base } });
    const relay = relayGoals([figure('round trip A→B→A: hive.send until acked (via the queen)', 9, 0.5), figure('throughput A→B, 4 KiB messages', 600, 1000)]);
    expect(relay.map(({ measured, met }) => [measured, met])).toEqual([['18×', false], ['0.60×', true]]);
    const spreads = upgradeGoals([figure('8 tabs, queen mode: seedUpgrade() → every tab runs it (per colony)', 60, 80)], [8, 32, 16]);
    expect(spreads.map(({ goal, target, met }) => [goal, target, met])).toEqual([
      ['8 tabs: upgrade spread per colony, queen ÷ discovery mode', '≤ 1.00×', true],
      ['32 tabs: upgrade spread per colony, queen ÷ discovery mode', '≤ 0.20×', null],
    ]);
  });
});
