// Turns the JSON reports of vitest and Playwright into one verdict. Every test that did not pass
// counts as failed: flaky, timed out, interrupted, and skipped too (skipping is a defect here).
// A suite whose report is missing or whose runner failed outside any test counts one failure.
import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';

export interface SuiteTotals {
  suite: string;
  passed: number;
  /** Includes `notRun`. */
  failed: number;
  /** Skipped, todo or interrupted tests (already counted in `failed`). */
  notRun: number;
  /** Why failures exist that no test result shows. */
  notes: string[];
}

/** The parts of vitest's JSON reporter output (jest-compatible) that we read. */
interface VitestReport {
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ status: string }>;
  }>;
}

const NOT_RUN_VITEST = new Set(['skipped', 'pending', 'todo', 'disabled']);

function isVitestReport(value: unknown): value is VitestReport {
  const results = (value as Partial<VitestReport> | null)?.testResults;
  return Array.isArray(results) && results.every((file) => Array.isArray(file?.assertionResults));
}

function isPlaywrightReport(value: unknown): value is JSONReport {
  const report = value as Partial<JSONReport> | null;
  return Array.isArray(report?.suites) && Array.isArray(report?.errors);
}

/** One failure standing for a suite that could not be judged. */
export function brokenSuite(suite: string, why: string): SuiteTotals {
  return { suite, passed: 0, failed: 1, notRun: 0, notes: [why] };
}

/** A runner that failed although its report shows no failing test still failed (unhandled errors, setup). */
function withExitCode(totals: SuiteTotals, exitCode: number | null): SuiteTotals {
  if (exitCode === 0 || totals.failed > 0) return totals;
  const why = exitCode === null ? 'was killed' : `exited with code ${exitCode}`;
  return { ...totals, failed: 1, notes: [...totals.notes, `${totals.suite} ${why} although no test failed`] };
}

export function vitestTotals(report: unknown, exitCode: number | null): SuiteTotals {
  if (!isVitestReport(report)) return brokenSuite('vitest', 'vitest report is not in the expected format');
  if (report.testResults.length === 0) return brokenSuite('vitest', 'vitest found no test files');
  const totals: SuiteTotals = { suite: 'vitest', passed: 0, failed: 0, notRun: 0, notes: [] };
  for (const file of report.testResults) {
    for (const { status } of file.assertionResults) {
      if (status === 'passed') totals.passed++;
      else {
        totals.failed++;
        if (NOT_RUN_VITEST.has(status)) totals.notRun++;
      }
    }
    // A file that failed with no failing test failed to load or to collect.
    if (file.status === 'failed' && !file.assertionResults.some(({ status }) => status === 'failed')) {
      totals.failed++;
      totals.notes.push(`${file.name}: ${(file.message ?? 'failed outside any test').split('\n')[0]}`);
    }
  }
  return withExitCode(totals, exitCode);
}

function* playwrightTests(suites: readonly JSONReportSuite[]): Generator<JSONReportSuite['specs'][number]['tests'][number]> {
  for (const suite of suites) {
    for (const spec of suite.specs) yield* spec.tests;
    yield* playwrightTests(suite.suites ?? []);
  }
}

export function playwrightTotals(report: unknown, exitCode: number | null): SuiteTotals {
  if (!isPlaywrightReport(report)) return brokenSuite('playwright', 'playwright report is not in the expected format');
  const totals: SuiteTotals = { suite: 'playwright', passed: 0, failed: 0, notRun: 0, notes: [] };
  for (const test of playwrightTests(report.suites)) {
    // 'expected' covers test.fail() behaving as declared; an expected skip is still a skip.
    if (test.status === 'expected' && test.expectedStatus !== 'skipped') totals.passed++;
    else {
      totals.failed++;
      if (test.status === 'skipped') totals.notRun++;
    }
  }
  // Errors outside tests: web server, global setup, config, worker teardown.
  for (const error of report.errors) {
    totals.failed++;
    totals.notes.push(`playwright: ${(error.message ?? 'error outside any test').split('\n')[0]}`);
  }
  if (totals.passed + totals.failed === 0) return brokenSuite('playwright', 'playwright ran no tests');
  return withExitCode(totals, exitCode);
}

/** The verdict over all suites; the last line is exactly `N passed, N failed`. */
export function summary(suites: readonly SuiteTotals[]): { lines: string[]; failed: number } {
  const lines = suites.map(
    ({ suite, passed, failed, notRun }) =>
      `${suite}: ${passed} passed, ${failed} failed${notRun > 0 ? ` (${notRun} not run)` : ''}`,
  );
  lines.push(...suites.flatMap(({ notes }) => notes));
  const notRun = suites.reduce((sum, { notRun }) => sum + notRun, 0);
  if (notRun > 0) lines.push(`${notRun} skipped, todo or interrupted test(s) counted as failed: skipping is a defect here`);
  const passed = suites.reduce((sum, { passed }) => sum + passed, 0);
  const failed = suites.reduce((sum, { failed }) => sum + failed, 0);
  lines.push(`${passed} passed, ${failed} failed`);
  return { lines, failed };
}
