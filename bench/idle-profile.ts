// What an idle Hivemesh tab spends its time on: a settled colony of real tabs, one worker tab in
// front, and for it and for one background tab a CDP CPU profile plus Performance metrics over a
// window. Prints the top functions by self time and the main thread's split. The app is built
// unminified into dist-profile/ (readable function names; never served by anything else).
//
//   flock /tmp/heavy.lock scripts/in-netns.sh npx tsx bench/idle-profile.ts [size] [window s]

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { startServer } from '../signaling/server.ts';
import type { HiveSnapshot } from '../src/bee.ts';
import { attachedQueen } from './hive-view.ts';
import { openColony, stopProbes, waitForColony } from './tabs.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist-profile');
const SETTLE_CAP_MS = 60_000;
/** After settling: the map cools and rests (~3 s), the links settle. */
const REST_MS = 10_000;
const SAMPLING_INTERVAL_US = 200;
const TOP = 18;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;

/** Starts profiling `page`; the returned function stops it and reports. */
async function record(context: BrowserContext, page: Page): Promise<() => Promise<{ profile: Profile; metrics: Record<string, number>; seconds: number }>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const before = await read();
  const startedMs = Date.now();
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    const after = await read();
    const seconds = (Date.now() - startedMs) / 1000;
    const metrics = Object.fromEntries(METRICS.map((name) => [name, (((after[name] ?? 0) - (before[name] ?? 0)) / seconds) * 100]));
    return { profile: profile as unknown as Profile, metrics, seconds };
  };
}

/** Self time per function (name, file, line), in ms per second of window. */
function selfTimes(profile: Profile, seconds: number): Array<{ where: string; msPerS: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber + 1}`;
    const where = `${frame.functionName || '(anonymous)'}${file}`;
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
  });
  return [...totals].map(([where, ms]) => ({ where, msPerS: ms / seconds })).sort((a, b) => b.msPerS - a.msPerS);
}

function report(label: string, result: Awaited<ReturnType<Awaited<ReturnType<typeof record>>>>): void {
  const m = result.metrics;
  const other = m.TaskDuration! - m.ScriptDuration! - m.LayoutDuration! - m.RecalcStyleDuration!;
  const fixed = (value: number) => value.toFixed(2);
  console.log(`\n## ${label}: main thread busy ${fixed(m.TaskDuration!)}% of a core over ${result.seconds.toFixed(1)} s`);
  console.log(`script ${fixed(m.ScriptDuration!)}%, layout ${fixed(m.LayoutDuration!)}%, style ${fixed(m.RecalcStyleDuration!)}%, other (paint, compositing, tasks) ${fixed(other)}%`);
  const rows = selfTimes(result.profile, result.seconds).filter((row) => row.where !== '(idle)');
  const sampled = rows.reduce((sum, row) => sum + row.msPerS, 0);
  console.log(`sampled, not idle: ${fixed(sampled)} ms/s`);
  for (const row of rows.slice(0, TOP)) console.log(`${fixed(row.msPerS).padStart(7)} ms/s  ${row.where}`);
}

const settled = (size: number) => (snaps: HiveSnapshot[]) => {
  const loose = snaps.filter((snap) => attachedQueen(snap) === null || snap.roster.length < size);
  return loose.length === 0 ? null : `${loose.length} tab(s) not attached or without the full roster`;
};

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 8);
  const windowS = Number(process.argv[3] ?? 10);
  execFileSync('npx', ['vite', 'build', '--minify', 'false', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const server = await startServer({ port: 0, distDir: DIST });
  const host = process.env.HIVE_LAN_HOST || '127.0.0.1';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  try {
    const colony = await openColony(browser, { baseURL: `http://${host}:${server.port}`, transport: 'simple-peer', size, label: 'profile' });
    const { snaps, problem } = await waitForColony(colony.pages, settled(size), SETTLE_CAP_MS);
    if (problem !== null) throw new Error(`the colony did not settle: ${problem}`);
    await stopProbes(colony.pages);
    const workers = snaps.flatMap((snap, index) => (snap.role === 'worker' ? [index] : []));
    if (workers.length < 2) throw new Error(`need two worker tabs, found ${workers.length}`);
    const front = colony.pages[workers[0]!]!;
    const back = colony.pages[workers[1]!]!;
    await front.bringToFront();
    await sleep(REST_MS);
    const stops = await Promise.all([record(colony.context, front), record(colony.context, back)]);
    await sleep(windowS * 1000);
    const [frontResult, backResult] = await Promise.all(stops.map((stop) => stop()));
    report(`front worker tab (${size} tabs)`, frontResult!);
    report('background worker tab', backResult!);
    await colony.context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
