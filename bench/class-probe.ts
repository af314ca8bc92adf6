// A class opening the join link at once, watched every few seconds: how many tabs are attached,
// their roles and terms, how late each page's 250 ms timer fires (a starved page), what its
// IndexedDB writes cost, how many peer connections the tabs made, and Chromium's CPU. Made to see
// why 30 tabs on a 2-core machine never settle (docs/benchmarks.md, "A class on one machine").
//
//   scripts/in-netns.sh npx tsx bench/class-probe.ts [--tabs 30] [--seconds 200]

import { parseArgs } from 'node:util';
import type { HiveSnapshot } from '../src/bee.ts';
import { TICKS_PER_SECOND, ticksBetween, treeOf } from './proc-tree.ts';
import { colonyName, openTabs, pageURL, readSnapshots } from './tabs.ts';
import { runScript, withServedApp } from './standalone.ts';

const POLL_MS = 5_000;
const READY_TIMEOUT_MS = 120_000;
const TIMER_MS = 250;

type LagWindow = Window & { __timerLateness?: number[] };

/** Each page records how late its own 250 ms timer fires: what the bee's tick suffers. */
function recordLateness(timerMs: number): void {
  const page = window as LagWindow;
  const late: number[] = (page.__timerLateness = []);
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    late.push(now - last - timerMs);
    last = now;
  }, timerMs);
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

function unattached(snaps: readonly HiveSnapshot[]): number {
  const queens = new Map(snaps.filter((snap) => snap.role === 'queen').map((snap) => [snap.id, snap]));
  return snaps.filter((snap) => snap.role !== 'queen' && (snap.queen === null || !queens.get(snap.queen)?.workers.includes(snap.id))).length;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tabs: { type: 'string', default: '30' }, seconds: { type: 'string', default: '200' } } });
  const [tabs, seconds] = [Number(values.tabs), Number(values.seconds)];
  await withServedApp(async ({ browser, origin }) => {
    const context = await browser.newContext();
    await context.addInitScript(recordLateness, TIMER_MS);
    const started = Date.now();
    const pages = await openTabs(context, pageURL(origin, colonyName('class', 'simple-peer'), 'simple-peer'), tabs);
    await Promise.all(pages.map((page) => page.waitForFunction(() => (window as unknown as { hive?: { ready?: unknown } }).hive?.ready, null, { timeout: READY_TIMEOUT_MS })));
    console.log(`${tabs} tabs ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let [cpuBefore, polledAt] = [treeOf(), Date.now()];
    let storage = { transactions: 0, writeMs: 0 };
    for (;;) {
      const snaps = await readSnapshots(pages);
      const late = (await Promise.all(pages.map((page) => page.evaluate(() => (window as LagWindow).__timerLateness!.splice(0))))).flat().sort((a, b) => a - b);
      const [cpuNow, now] = [treeOf(), Date.now()];
      const cpu = ticksBetween(cpuBefore, cpuNow) / TICKS_PER_SECOND / ((now - polledAt) / 1000);
      const writes = snaps.reduce((sum, snap) => ({ transactions: sum.transactions + snap.storage.transactions, writeMs: sum.writeMs + snap.storage.writeMs }), { transactions: 0, writeMs: 0 });
      const [transactions, writeMs] = [writes.transactions - storage.transactions, writes.writeMs - storage.writeMs];
      const roles: Record<string, number> = {};
      for (const snap of snaps) roles[snap.role] = (roles[snap.role] ?? 0) + 1;
      const terms = snaps.map((snap) => snap.term);
      const left = unattached(snaps);
      console.log(
        `${((now - started) / 1000).toFixed(0)} s: ${left} unattached ${JSON.stringify(roles)} terms ${Math.min(...terms)}–${Math.max(...terms)} · ` +
          `timer late p50/p90/p99/max ${[0.5, 0.9, 0.99, 1].map((p) => percentile(late, p).toFixed(0)).join('/')} ms · ` +
          `${transactions} transactions, ${transactions ? (writeMs / transactions).toFixed(0) : '–'} ms each · ` +
          `${snaps.reduce((sum, snap) => sum + snap.connections, 0)} connections made · Chromium ${(cpu * 100).toFixed(0)}% of a core`,
      );
      if (left === 0) {
        console.log(`all ${tabs} attached after ${((now - started) / 1000).toFixed(1)} s`);
        return;
      }
      if (now - started > seconds * 1000) {
        console.log(`not all attached after ${seconds} s`);
        return;
      }
      [cpuBefore, polledAt, storage] = [cpuNow, now, writes];
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  });
}

runScript(main);
