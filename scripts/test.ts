// `npm test`: Chromium is checked first (the e2e suite cannot run without it, and nobody should
// wait for the unit tests to learn that), then the unit tests, then the e2e suite inside a network
// namespace of its own, then one verdict read from both JSON reports. The last line printed is exactly `N passed, N failed`.
// Extra arguments go to Playwright: `npm test -- --project=peerjs`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './chromium.ts';
import { brokenSuite, playwrightTotals, summary, vitestTotals } from './totals.ts';
import type { SuiteTotals } from './totals.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// The Playwright path is fixed in playwright.config.ts; both are git-ignored.
const VITEST_REPORT = join(ROOT, '.vitest-results.json');
const PLAYWRIGHT_REPORT = join(ROOT, '.playwright-results.json');

/** Runs a command in the repository root with our stdio; resolves its exit code (null if killed). */
function run(command: string, args: readonly string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code));
  });
}

function judge(
  suite: string,
  reportPath: string,
  exitCode: number | null,
  totals: (report: unknown, exitCode: number | null) => SuiteTotals,
): SuiteTotals {
  if (!existsSync(reportPath)) {
    return brokenSuite(suite, `${suite} wrote no report to ${reportPath} (exit code ${exitCode}): the suite could not run`);
  }
  try {
    return totals(JSON.parse(readFileSync(reportPath, 'utf8')), exitCode);
  } catch (error) {
    return brokenSuite(suite, `${suite} report ${reportPath} is unreadable: ${(error as Error).message}`);
  }
}

try {
  chromiumPath();
} catch (error) {
  console.log(summary([brokenSuite('chromium', (error as Error).message)]).lines.join('\n'));
  process.exit(1);
}

// A report left over from an earlier run must never stand in for this one.
rmSync(VITEST_REPORT, { force: true });
rmSync(PLAYWRIGHT_REPORT, { force: true });

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const vitestCode = await run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${VITEST_REPORT}`,
]);
const playwrightCode = await run('bash', [
  join(ROOT, 'scripts', 'in-netns.sh'),
  bin('playwright'),
  'test',
  ...process.argv.slice(2),
]);

const { lines, failed } = summary([
  judge('vitest', VITEST_REPORT, vitestCode, vitestTotals),
  judge('playwright', PLAYWRIGHT_REPORT, playwrightCode, playwrightTotals),
]);
console.log(`\n${lines.join('\n')}`);
process.exitCode = failed > 0 ? 1 : 0;
