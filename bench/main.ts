// `npm run bench`: the benchmark suite. Runs the selected benchmarks (all by default) in a fixed
// order, writes bench/results/<name>-<date>.json per benchmark as soon as it is done,
// bench/results/suite-<date>.json, bench/results/summary.md with its plots (ratios.svg, and
// scale.svg when the scale benchmark ran), and prints the summary. Run it through
// scripts/in-netns.sh (npm run bench does) so nothing leaves the machine.
//
//   npm run bench                      # everything but classroom (~12 minutes on a quiet 2-core machine)
//   npm run bench -- classroom         # 32 tabs converge into hives: links per bee, memory per tab
//   npm run bench -- relay failover    # some benchmarks, by name
//   npm run bench -- --help

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { buildApp, distIsStale } from '../signaling/build.ts';
import { startServer, type HiveServer } from '../signaling/server.ts';
import { parseSuiteArgs, USAGE, type SuiteOptions } from './args.ts';
import { runChurnBench } from './churn.ts';
import { runClassroomBench } from './classroom.ts';
import { runFailoverBench } from './failover.ts';
import { runIdleBench } from './idle.ts';
import { ratio, type BenchName, type BenchResult } from './figures.ts';
import { runJoinBench } from './join.ts';
import { ratioChart } from './plot.ts';
import { runRelayBench } from './relay.ts';
import { loadSampler, machineInfo, markdownSummary, type BenchRecord, type MachineInfo } from './report.ts';
import { runScaleBench, scalePlot } from './scale.ts';
import { runSignalingBench } from './signaling.ts';
import { runUpgradeBench } from './upgrade.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const BROWSER_BENCHES: readonly BenchName[] = ['join', 'failover', 'relay', 'upgrade', 'idle', 'churn', 'classroom'];
/** Server log lines kept in the suite JSON: enough to see a pattern, not a flood. */
const SERVER_LOG_LINES_KEPT = 1_000;

const log = (line: string) => console.error(line);

interface Tabs {
  browser: Browser;
  server: HiveServer;
  baseURL: string;
  serverLog: string[];
}

/** The real server in-process (building dist/ first when stale) and Debian's Chromium. */
async function startTabs(): Promise<Tabs> {
  if (distIsStale(ROOT)) {
    log('Building the app (dist/ is missing or older than its sources)…');
    await buildApp(ROOT);
  }
  const serverLog: string[] = [];
  const server = await startServer({
    port: 0,
    distDir: path.join(ROOT, 'dist'),
    log: (line) => serverLog.length < SERVER_LOG_LINES_KEPT && serverLog.push(line),
  });
  // HIVE_LAN_HOST is set by scripts/in-netns.sh: tabs then use the LAN origin, an insecure context.
  const host = process.env.HIVE_LAN_HOST || '127.0.0.1';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  return { browser, server, baseURL: `http://${host}:${server.port}`, serverLog };
}

/** The browser's version without launching it, for suites that open no tabs. */
function chromiumVersionOffline(): string {
  try {
    return execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().replace(/^Chromium /, '');
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

function failed(name: BenchName, error: unknown): BenchResult {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { name, status: 'failed', notes: [`the benchmark threw: ${message.split('\n').slice(0, 3).join(' ')}`], figures: [], details: [], settings: {}, raw: null };
}

async function runBench(name: BenchName, options: SuiteOptions, tabs: Tabs | null, scale: { runs: Parameters<typeof scalePlot>[0] }): Promise<BenchResult> {
  const transport = options.join.transports[0] ?? 'simple-peer';
  if (BROWSER_BENCHES.includes(name) && tabs === null) throw new Error(`${name} needs the browser`);
  switch (name) {
    case 'join':
      return runJoinBench(tabs!.browser, options.join, tabs!.baseURL, log);
    case 'failover':
      return runFailoverBench(tabs!.browser, { ...options.failover, transport }, tabs!.baseURL, log);
    case 'relay':
      return runRelayBench(tabs!.browser, { ...options.relay, transport }, tabs!.baseURL, log);
    case 'upgrade':
      return runUpgradeBench(tabs!.browser, { ...options.upgrade, transport }, tabs!.baseURL, log);
    case 'idle':
      return runIdleBench(tabs!.browser, { ...options.idle, transport }, tabs!.baseURL, log);
    case 'churn':
      return runChurnBench(tabs!.browser, { ...options.churn, transport }, tabs!.baseURL, log);
    case 'classroom':
      return runClassroomBench(tabs!.browser, { ...options.classroom, transport }, tabs!.baseURL, log);
    case 'scale': {
      const { result, runs } = await runScaleBench(options.scale, log);
      scale.runs = runs;
      return result;
    }
    case 'signaling':
      return runSignalingBench(options.signaling.bees, options.signaling.rounds, log);
  }
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(path.join(RESULTS_DIR, file), `${JSON.stringify(value, null, 2)}\n`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  let options: SuiteOptions;
  try {
    options = parseSuiteArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const startedMs = Date.now();
  const stamp = new Date(startedMs).toISOString().replace(/[:.]/g, '-');
  const suiteLoad = loadSampler();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const tabs = options.benches.some((name) => BROWSER_BENCHES.includes(name)) ? await startTabs() : null;
  const chromiumVersion = tabs?.browser.version() ?? chromiumVersionOffline();
  log(`Benchmarks: ${options.benches.join(', ')}${tabs ? ` (tabs on ${tabs.baseURL})` : ''}`);
  const records: BenchRecord[] = [];
  const scale = { runs: [] as Parameters<typeof scalePlot>[0] };
  let machine: MachineInfo = machineInfo(chromiumVersion, suiteLoad.span());
  try {
    for (const name of options.benches) {
      const benchStartedMs = Date.now();
      const benchLoad = loadSampler();
      const result = await runBench(name, options, tabs, scale).catch((error: unknown) => failed(name, error));
      const record: BenchRecord = { result, startedAt: new Date(benchStartedMs).toISOString(), durationS: Math.round((Date.now() - benchStartedMs) / 1000), load: benchLoad.stop() };
      records.push(record);
      machine = machineInfo(chromiumVersion, suiteLoad.span());
      writeJson(`${name}-${stamp}.json`, { ...record, machine });
      log(`${name}: ${result.status} in ${record.durationS} s${result.notes.length > 0 ? ` (${result.notes.join('; ')})` : ''}`);
    }
  } finally {
    await tabs?.browser.close();
    await tabs?.server.close();
  }
  machine = machineInfo(chromiumVersion, suiteLoad.stop());
  const plots = [];
  const bars = records.flatMap(({ result }) => result.figures.map((figure) => ({ label: `${result.name}: ${figure.label}`, ratio: ratio(figure) ?? 0 })));
  writeFileSync(path.join(RESULTS_DIR, 'ratios.svg'), ratioChart('Each figure ÷ its baseline (log scale)', bars));
  plots.push({ file: 'ratios.svg', alt: 'Each figure divided by its baseline' });
  if (scale.runs.length > 0) {
    writeFileSync(path.join(RESULTS_DIR, 'scale.svg'), scalePlot(scale.runs));
    plots.push({ file: 'scale.svg', alt: 'Links and idle frames per bee as the simulated colony grows, against a full mesh' });
  }
  const date = new Date(startedMs).toISOString();
  const durationS = Math.round((Date.now() - startedMs) / 1000);
  const markdown = markdownSummary(records, { date, durationS, machine, plots });
  writeFileSync(path.join(RESULTS_DIR, 'summary.md'), markdown);
  writeJson(`suite-${stamp}.json`, {
    date,
    durationS,
    machine,
    options,
    benches: records.map(({ result, ...rest }) => ({ ...rest, name: result.name, status: result.status, notes: result.notes, figures: result.figures })),
    serverLog: tabs?.serverLog ?? [],
  });
  console.log(markdown);
  log(`Wrote bench/results/summary.md, ${plots.map((plot) => plot.file).join(', ')} and the JSON files (suite-${stamp}.json and one per benchmark)`);
}

// Exit explicitly: the PeerJS server keeps timers that never stop (see signaling/server.ts).
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
