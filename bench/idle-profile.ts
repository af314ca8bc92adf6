// What an idle Hivemesh tab spends its time on: a settled colony of real tabs, one worker tab in
// front, and for it and for one background tab a CDP CPU profile plus Performance metrics over a
// window. Prints the top functions by self time and the main thread's split. The app is built
// unminified into dist-profile/ (readable function names; never served by anything else).
//
//   flock /tmp/heavy.lock scripts/in-netns.sh npx tsx bench/idle-profile.ts [size] [window s]

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { startServer } from '../signaling/server.ts';
import type { HiveSnapshot } from '../src/bee.ts';
import { attachedQueen } from './hive-view.ts';
import { record, report } from './profile.ts';
import { runScript } from './standalone.ts';
import { openColony, stopProbes, waitForColony } from './tabs.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist-profile');
const SETTLE_CAP_MS = 60_000;
/** After settling: the map cools and rests (~3 s), the links settle. */
const REST_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

runScript(main);
