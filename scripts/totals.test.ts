import { describe, expect, it } from 'vitest';
import { brokenSuite, playwrightTotals, summary, vitestTotals } from './totals.ts';

const vitestReport = (...files: Array<{ status: string; message?: string; tests: string[] }>) => ({
  testResults: files.map(({ status, message, tests }, index) => ({
    name: `file${index}.test.ts`,
    status,
    message,
    assertionResults: tests.map((test) => ({ status: test })),
  })),
});

const playwrightTest = (status: string, expectedStatus = 'passed') => ({ status, expectedStatus, results: [] });
const playwrightReport = (tests: object[], errors: object[] = []) => ({
  suites: [{ title: 'a.spec.ts', specs: [{ title: 'top', tests: tests.slice(0, 1) }], suites: [{ title: 'nested', specs: [{ title: 'rest', tests: tests.slice(1) }] }] }],
  errors,
});

describe('vitest totals', () => {
  it('counts skipped and todo tests as failed and says they did not run', () => {
    const totals = vitestTotals(vitestReport({ status: 'failed', tests: ['passed', 'failed', 'skipped', 'todo'] }), 1);
    expect(totals).toMatchObject({ passed: 1, failed: 3, notRun: 2 });
  });

  it('counts a file that failed to load as one failure', () => {
    const totals = vitestTotals(vitestReport({ status: 'failed', message: 'Cannot find module x\nstack', tests: [] }), 1);
    expect(totals).toMatchObject({ passed: 0, failed: 1, notes: ['file0.test.ts: Cannot find module x'] });
  });

  it('counts a failing exit with all tests passing (unhandled errors) as one failure', () => {
    expect(vitestTotals(vitestReport({ status: 'passed', tests: ['passed'] }), 1)).toMatchObject({ passed: 1, failed: 1 });
  });

  it('passes a clean run', () => {
    expect(vitestTotals(vitestReport({ status: 'passed', tests: ['passed', 'passed'] }), 0)).toMatchObject({ passed: 2, failed: 0 });
  });

  it('treats an empty or foreign report as a broken suite', () => {
    expect(vitestTotals(vitestReport(), 1)).toMatchObject({ failed: 1, notes: ['vitest found no test files'] });
    expect(vitestTotals({ nope: true }, 0)).toMatchObject({ failed: 1 });
  });
});

describe('playwright totals', () => {
  it('passes expected outcomes, including a declared test.fail(), and fails every other', () => {
    const report = playwrightReport([
      playwrightTest('expected'),
      playwrightTest('expected', 'failed'),
      playwrightTest('unexpected'),
      playwrightTest('flaky'),
      playwrightTest('skipped', 'skipped'),
      playwrightTest('skipped'),
    ]);
    expect(playwrightTotals(report, 1)).toMatchObject({ passed: 2, failed: 4, notRun: 2 });
  });

  it('counts errors outside tests, such as a web server that never started', () => {
    const report = playwrightReport([playwrightTest('skipped')], [{ message: 'Error: Process from config.webServer exited early.\nmore' }]);
    expect(playwrightTotals(report, 1)).toMatchObject({
      failed: 2,
      notes: ['playwright: Error: Process from config.webServer exited early.'],
    });
  });

  it('treats a run with no tests as a broken suite', () => {
    expect(playwrightTotals(playwrightReport([]), 0)).toMatchObject({ failed: 1, notes: ['playwright ran no tests'] });
  });
});

describe('summary', () => {
  it('ends with exactly "N passed, N failed" over every suite, after saying skips count as failures', () => {
    const { lines, failed } = summary([
      { suite: 'vitest', passed: 3, failed: 1, notRun: 1, notes: [] },
      brokenSuite('playwright', 'playwright wrote no report'),
    ]);
    expect(failed).toBe(2);
    expect(lines.at(-1)).toBe('3 passed, 2 failed');
    expect(lines.at(-2)).toMatch(/counted as failed: skipping is a defect here$/);
    expect(lines).toContain('playwright wrote no report');
  });
});
