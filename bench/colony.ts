// `npm run bench`: how fast a colony of real tabs joins, per transport and colony size. Starts the
// real server (building the app first if dist/ is stale), opens colonies of N tabs in Debian's
// Chromium, and writes bench/results/colony-<date>.json (raw samples, summary, machine) and
// bench/results/summary.md. Run it through scripts/in-netns.sh (npm run bench does) so nothing
// leaves the machine.
//
//   npm run bench -- [--sizes 6,8] [--runs 5] [--transports simple-peer,peerjs]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { buildApp, distIsStale } from '../signaling/build.ts';
import { startServer } from '../signaling/server.ts';
import { machineInfo, markdownSummary } from './report.ts';
import { COUNTERS_AFTER_SETTLED_MS, loadAverageNow, RUN_CAP_MS, runColony } from './run.ts';
import type { RunResult, TransportName } from './samples.ts';
import { summarise } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const TRANSPORTS: readonly TransportName[] = ['simple-peer', 'peerjs'];
const DEFAULT_SIZES = '6,8';
const DEFAULT_RUNS = '5';
/** Server log lines kept in the JSON: enough to see a pattern, not a flood. */
const SERVER_LOG_LINES_KEPT = 1_000;
/** Run number of the warm-ups in the log and the JSON. */
const WARMUP_RUN = 0;

interface BenchOptions {
  sizes: number[];
  runs: number;
  transports: TransportName[];
}

function positiveIntegers(flag: string, raw: string, min: number): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < min)) {
    throw new Error(`--${flag} wants integers of at least ${min} separated by commas, got "${raw}"`);
  }
  return values;
}

function onePositiveInteger(flag: string, raw: string): number {
  const [value, ...rest] = positiveIntegers(flag, raw, 1);
  if (value === undefined || rest.length > 0) throw new Error(`--${flag} wants one integer, got "${raw}"`);
  return value;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: DEFAULT_SIZES },
      runs: { type: 'string', default: DEFAULT_RUNS },
      transports: { type: 'string', default: TRANSPORTS.join(',') },
    },
    strict: true,
  });
  const transports = values.transports.split(',').map((name) => name.trim());
  const unknown = transports.filter((name) => !TRANSPORTS.includes(name as TransportName));
  if (unknown.length > 0) throw new Error(`--transports: unknown ${unknown.join(', ')} (known: ${TRANSPORTS.join(', ')})`);
  return {
    // A colony of one has no links to time.
    sizes: positiveIntegers('sizes', values.sizes, 2),
    runs: onePositiveInteger('runs', values.runs),
    transports: transports as TransportName[],
  };
}

/** HIVE_LAN_HOST is set by scripts/in-netns.sh: tabs then use the LAN origin, an insecure context. */
function pageHost(): string {
  return process.env.HIVE_LAN_HOST || '127.0.0.1';
}

async function ensureBuilt(): Promise<void> {
  if (!distIsStale(ROOT)) return;
  console.error('Building the app (dist/ is missing or older than its sources)…');
  await buildApp(ROOT);
}

function progressLine(run: RunResult, runs: number): string {
  const which = run.run === WARMUP_RUN ? 'warm-up' : `run ${run.run}/${runs}`;
  const head = `${run.transport.padEnd(11)} ${run.colonySize} tabs, ${which}:`;
  if (run.error !== null) return `${head} FAILED: ${run.error}`;
  const colony = run.colonyFullRosterMs === null ? 'not all joined' : `all joined at ${Math.round(run.colonyFullRosterMs)} ms`;
  const odd = run.anomalies.length + run.consoleErrors.length > 0 ? `, ${run.anomalies.length} anomalies, ${run.consoleErrors.length} console errors` : '';
  return `${head} ${colony}, ${run.links.total} links${odd} (${(run.wallMs / 1000).toFixed(1)} s)`;
}

interface Outcome {
  runs: RunResult[];
  warmups: RunResult[];
  appHasQueens: boolean;
}

/**
 * One unrecorded warm-up colony first: the first colony of a fresh browser loads the app several
 * hundred ms slower, which would otherwise land on whichever transport goes first (the browser,
 * not the transport, is cold: one warm-up serves both). It also learns whether the app elects
 * queens: it waits up to the cap for one, and later runs wait for a queen only if some run showed
 * an election. Measured runs interleave transports (size → run → transport) so a slow patch of
 * the machine hits both alike.
 */
async function runAll(browser: Browser, options: BenchOptions, baseURL: string): Promise<Outcome> {
  const outcome: Outcome = { runs: [], warmups: [], appHasQueens: false };
  let expectQueens: boolean | null = null;
  const runOne = async (transport: TransportName, colonySize: number, run: number, into: RunResult[]) => {
    const result = await runColony(browser, { transport, colonySize, run, baseURL, expectQueens });
    into.push(result);
    console.error(progressLine(result, options.runs));
    if (result.error === null) expectQueens = expectQueens === true || result.electionSeen;
  };
  const warmupSize = Math.min(...options.sizes);
  await runOne(options.transports[0] ?? 'simple-peer', warmupSize, WARMUP_RUN, outcome.warmups);
  for (const colonySize of options.sizes) {
    for (let run = 1; run <= options.runs; run++) {
      for (const transport of options.transports) await runOne(transport, colonySize, run, outcome.runs);
    }
  }
  outcome.appHasQueens = expectQueens === true;
  return outcome;
}

interface Session {
  options: BenchOptions;
  startedMs: number;
  loadAtStart: number;
  chromiumVersion: string;
  baseURL: string;
  serverLog: string[];
}

/** Writes the raw JSON and summary.md, and prints the summary; returns the JSON's path. */
function writeResults(outcome: Outcome, session: Session): string {
  const { options, startedMs } = session;
  const { runs, warmups, appHasQueens } = outcome;
  const machine = machineInfo(session.chromiumVersion, session.baseURL, session.loadAtStart, [...warmups, ...runs]);
  const date = new Date(startedMs).toISOString();
  const durationS = Math.round((Date.now() - startedMs) / 1000);
  const summary = summarise(runs, appHasQueens);
  const markdown = markdownSummary(summary, { machine, date, sizes: options.sizes, runsPerCell: options.runs, durationS, appHasQueens });
  const settings = { ...options, runCapMs: RUN_CAP_MS, countersAfterSettledMs: COUNTERS_AFTER_SETTLED_MS };
  const raw = { date, durationS, machine, settings, appHasQueens, summary, runs, warmups, serverLog: session.serverLog };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = path.join(RESULTS_DIR, `colony-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(raw, null, 2)}\n`);
  writeFileSync(path.join(RESULTS_DIR, 'summary.md'), markdown);
  console.log(markdown);
  return jsonPath;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedMs = Date.now();
  const loadAtStart = loadAverageNow();
  await ensureBuilt();
  const serverLog: string[] = [];
  const server = await startServer({
    port: 0,
    distDir: path.join(ROOT, 'dist'),
    log: (line) => serverLog.length < SERVER_LOG_LINES_KEPT && serverLog.push(line),
  });
  const host = pageHost();
  const baseURL = `http://${host}:${server.port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  console.error(`Benchmarking on ${baseURL}: sizes ${options.sizes.join(', ')}, ${options.runs} run(s) each, ${options.transports.join(' and ')}`);
  try {
    const outcome = await runAll(browser, options, baseURL);
    const session = { options, startedMs, loadAtStart, chromiumVersion: browser.version(), baseURL, serverLog };
    const jsonPath = writeResults(outcome, session);
    console.error(`Wrote ${path.relative(ROOT, jsonPath)} and bench/results/summary.md`);
  } finally {
    await browser.close();
    await server.close();
  }
}

// Exit explicitly: the PeerJS server keeps timers that never stop (see signaling/server.ts).
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
