// What the relayed path spends its time on: a colony of real tabs in one hive, worker A streaming
// 4 KiB messages to worker B through the queen (hive.send, 16 in flight, as the relay benchmark
// does), and a CDP CPU profile of A, the queen and B over the stream. Prints the top functions by
// self time and each main thread's split, every tab's IndexedDB writes, and the CPU time of the
// whole browser (every process) per message: on a shared machine that moves less with the load
// than the rate does. The app is built unminified into dist-profile/.
//
//   flock /tmp/heavy.lock scripts/in-netns.sh npx tsx bench/relay-profile.ts [messages] [size] [--no-profile]

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import type { HiveSnapshot } from '../src/bee.ts';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { startServer } from '../signaling/server.ts';
import { pageScript } from './page-script.ts';
import { TICKS_PER_SECOND, ticksBetween, treeOf } from './proc-tree.ts';
import { record, report } from './profile.ts';
import { openDirect } from './relay.ts';
import { AGENT_KEY, type Agent } from './relay-agent.ts';
import { runScript } from './standalone.ts';
import { oneHiveProblem, openColony, queenOf, stopProbes, waitForColony } from './tabs.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = path.join(ROOT, 'dist-profile');
const SETTLE_CAP_MS = 60_000;
const PAD_BYTES = 4_096;
const WINDOW = 16;
const WARMUP = 20;

type Storage = HiveSnapshot['storage'];
const storageOf = (pages: readonly Page[]) =>
  Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { hive: { snapshot(): HiveSnapshot } }).hive.snapshot().storage) as Promise<Storage>));

/** Streams `count` messages over the bare channel the agents opened; resolves the ms it took. */
function streamDirect(page: Page, count: number): Promise<number> {
  const run = (key: string, args: [number, number]) => (window as unknown as Record<string, Agent>)[key]!.directBulk(args[0], args[1]);
  return page.evaluate(pageScript(run, AGENT_KEY, [count, PAD_BYTES])) as Promise<number>;
}

/** Streams `count` messages from the page's agent to `to`; resolves the ms it took. */
function stream(page: Page, to: string, count: number): Promise<number> {
  const run = (key: string, args: [string, number, number, number]) =>
    (window as unknown as Record<string, Agent>)[key]!.relayBulk(args[0], args[1], args[2], args[3]);
  return page.evaluate(pageScript(run, AGENT_KEY, [to, count, PAD_BYTES, WINDOW])) as Promise<number>;
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 400);
  const size = Number(process.argv[3] ?? 6);
  const profiled = !process.argv.includes('--no-profile');
  execFileSync('npx', ['vite', 'build', '--minify', 'false', '--outDir', DIST, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const server = await startServer({ port: 0, distDir: DIST });
  const host = process.env.HIVE_LAN_HOST || '127.0.0.1';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  try {
    const baseURL = `http://${host}:${server.port}`;
    const colony = await openColony(browser, { baseURL, transport: 'simple-peer', size, label: 'relay-profile', params: { capacity: String(size) } });
    const { snaps, problem } = await waitForColony(colony.pages, (s) => oneHiveProblem(s), SETTLE_CAP_MS);
    const queen = queenOf(snaps);
    if (queen === null) throw new Error(`no single queen: ${problem}`);
    await stopProbes(colony.pages);
    const workers = snaps.filter((snap) => snap.id !== queen);
    const a = workers[0]!;
    const b = workers.find((other) => other.id !== a.id && !a.neighbours.includes(other.id)) ?? workers[1]!;
    const pages = { A: colony.pageOf(a.id), queen: colony.pageOf(queen), B: colony.pageOf(b.id) };
    await openDirect(pages.A, pages.B);
    await stream(pages.A, b.id, WARMUP);
    await streamDirect(pages.A, WARMUP);
    const storageBefore = await storageOf(colony.pages);
    const stops = profiled ? await Promise.all(Object.values(pages).map((page) => record(colony.context, page))) : [];
    const ticksBefore = treeOf();
    const ms = await stream(pages.A, b.id, messages);
    const cpuMs = (ticksBetween(ticksBefore, treeOf()) * 1000) / TICKS_PER_SECOND;
    const results = await Promise.all(stops.map((stop) => stop()));
    const storageAfter = await storageOf(colony.pages);
    const role = (id: string) => (id === a.id ? 'A' : id === b.id ? 'B' : id === queen ? 'queen' : 'other');
    storageAfter.forEach((after, index) => {
      const before = storageBefore[index]!;
      const [writes, transactions] = [after.writes - before.writes, after.transactions - before.transactions];
      console.log(`${role(colony.ids[index]!)}: ${writes} writes in ${transactions} transactions, ${(after.writeMs - before.writeMs).toFixed(0)} ms with one under way`);
    });
    const directTicks = treeOf();
    const directMs = await streamDirect(pages.A, messages);
    const directCpuMs = (ticksBetween(directTicks, treeOf()) * 1000) / TICKS_PER_SECOND;
    console.log(`direct channel: ${directMs.toFixed(0)} ms, ${((messages * 1000) / directMs).toFixed(0)} msg/s, CPU ${(directCpuMs / messages).toFixed(2)} ms per message`);
    console.log(`${messages} messages of ${PAD_BYTES / 1024} KiB, ${WINDOW} in flight: ${ms.toFixed(0)} ms, ${((messages * 1000) / ms).toFixed(0)} msg/s, CPU ${(cpuMs / messages).toFixed(2)} ms per message (all of Chromium${profiled ? ', profiling included' : ''})`);
    results.forEach((result, index) => report(Object.keys(pages)[index]!, result));
    await colony.context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

runScript(main);
