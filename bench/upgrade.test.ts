import { describe, expect, it } from 'vitest';
import { upgradeFigures, type UpgradeRun } from './upgrade.ts';

const run = (mode: UpgradeRun['mode'], perTabMs: number[], extra: Partial<UpgradeRun> = {}): UpgradeRun => ({
  run: 1,
  mode,
  colony: 'c',
  seeder: 's',
  version: '1',
  perTabMs,
  colonyMs: Math.max(...perTabMs),
  tabsWithQueenBeforeAdopting: 0,
  error: null,
  ...extra,
});

describe('upgrade spread figures', () => {
  it('sets queen mode against discovery mode, leaving out discovery runs a queen took part in', () => {
    const figures = upgradeFigures(
      [
        run('discovery', [800, 1_600, 2_400]),
        run('discovery', [100, 100, 100], { tabsWithQueenBeforeAdopting: 2 }),
        run('queen', [200, 300, 400]),
        run('queen', [0, 0, 0], { error: 'not every tab ran it' }),
      ],
      4,
    );
    expect(figures.map((figure) => [figure.value, figure.baseline?.value])).toEqual([
      [400, 2_400],
      [300, 1_600],
    ]);
  });
});
