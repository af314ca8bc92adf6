import { describe, expect, it } from 'vitest';
import { spread } from './figures.ts';
import { ratioGoal, timingGoal, verdict } from './goals.ts';

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
});
