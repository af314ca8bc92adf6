// What the /sim page's main thread pays per frame for a big colony, apart from the simulator:
// the page's Web Worker is swapped (page.route) for a stand-in that posts what the real one would
// for N bees in hives of nine (a sample every 250 ms, one worker changing hive each time, and
// positions near where a settled layout puts them whenever the page has drawn the last ones,
// always moving a little: the worst case, a layout that never rests). Each app
// build is measured at each size over a window: CDP TaskDuration (the main thread's busy time)
// over the page's own frame count. `--dist DIR` (repeatable) names builds to compare, for
// instance main's; by default dist/ (built when stale).
//
//   flock /tmp/heavy.lock npx tsx bench/sim-page.ts [--dist DIR]... [--bees 1000,10000] [--window-s 10]

import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { buildApp, distIsStale } from '../signaling/build.ts';
import { startServer } from '../signaling/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARM_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The stand-in worker, run as the page's Web Worker (stringified: it must not close over
 * anything). It honours the page's `beesDrawn` like the real host: past it, hives, not bees.
 */
function standIn(bees: number): void {
  const HIVE = 9;
  const SAMPLE_MS = 250;
  const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: unknown, transfer?: Transferable[]): void };
  const ids = Array.from({ length: bees }, (_, i) => (0x10000000 + i * 7919).toString(16).padStart(32, 'a'));
  const queenOf = ids.map((_, i) => ids[i - (i % HIVE)] as string);
  const queens = ids.filter((_, i) => i % HIVE === 0);
  let beesDrawn = Infinity;
  let tick = 0;
  let shownIds: string[] | null = null;
  let idsSent = false;
  const court = queens.slice(1).map((queen, i) => ({ source: queens[i] as string, target: queen, kind: 'court' }));
  function graph(): unknown {
    // One worker changes hive per sample: a live colony, never quite the same twice.
    const moved = 1 + ((tick * HIVE + 1) % bees);
    if (moved % HIVE !== 0) queenOf[moved] = queens[tick % queens.length] as string;
    tick++;
    if (bees <= beesDrawn) {
      const nodes = ids.map((id, i) => ({ id, role: i % HIVE === 0 ? 'queen' : 'worker', hive: queenOf[i] }));
      const links = ids.flatMap((id, i) => (i % HIVE === 0 ? [] : [{ source: id, target: queenOf[i], kind: 'hive' }]));
      return { nodes, links: [...links, ...court] };
    }
    const counts = new Map<string, number>();
    for (const queen of queenOf) counts.set(queen, (counts.get(queen) ?? 0) + 1);
    return { nodes: queens.map((id) => ({ id, role: 'queen', hive: id, bees: counts.get(id) ?? 1 })), links: court, byHive: true };
  }
  // Where a settled layout would put them: queens on a grid, each worker beside its queen.
  const side = Math.ceil(Math.sqrt(queens.length));
  const home = new Map<string, [number, number]>();
  queens.forEach((queen, q) => home.set(queen, [(q % side) * 80, Math.floor(q / side) * 80]));
  ids.forEach((id, i) => {
    const [x, y] = home.get(queenOf[i] as string) as [number, number];
    if (!home.has(id)) home.set(id, [x + 30 * Math.cos(i), y + 30 * Math.sin(i)]);
  });
  function place(): void {
    if (!shownIds) return;
    const xy = new Float32Array(shownIds.length * 2);
    // Still moving a little, as a layout does while it cools: every frame is drawn anew.
    shownIds.forEach((id, i) => {
      const [x, y] = home.get(id) as [number, number];
      xy[2 * i] = x + Math.random() * 2;
      xy[2 * i + 1] = y + Math.random() * 2;
    });
    scope.postMessage({ type: 'placed', ids: idsSent ? null : shownIds, xy, moving: true }, [xy.buffer]);
    idsSent = true;
  }
  scope.onmessage = (event) => {
    const order = event.data as { type: string; controls?: { beesDrawn?: number } };
    if (order.controls) beesDrawn = order.controls.beesDrawn ?? Infinity;
    if (order.type === 'drawn') place();
  };
  setInterval(() => {
    const sample = graph() as { nodes: Array<{ id: string }> };
    const next = sample.nodes.map((node) => node.id);
    const first = shownIds === null;
    if (shownIds?.length !== next.length) [shownIds, idsSent] = [next, false];
    scope.postMessage({ type: 'sample', graph: sample, deliveries: [], virtualMs: tick * SAMPLE_MS, effectiveSpeed: 1, bees });
    if (first) place();
  }, SAMPLE_MS);
}

async function measure(browser: Browser, baseURL: string, bees: number, windowS: number): Promise<{ msPerFrame: number; busyPercent: number; fps: number; drawnBy: string }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  const page = await context.newPage();
  // tsx keeps function names by wrapping them in its `__name` helper, which the worker lacks.
  const body = `const __name = (fn) => fn;\n(${standIn.toString()})(${bees});`;
  await page.route('**/assets/sim-worker*.js', (route) => route.fulfill({ contentType: 'text/javascript', body }));
  await page.goto(`${baseURL}/sim?bees=${bees}&seed=1`);
  await page.waitForFunction(() => (window.simStats?.frames ?? 0) > 0 && document.querySelector('[data-map] li') !== null);
  await sleep(WARM_MS);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const task = metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
    const frames = await page.evaluate(() => window.simStats?.frames ?? 0);
    return { task, frames, at: Date.now() };
  };
  const before = await read();
  await sleep(windowS * 1000);
  const after = await read();
  const drawnBy = (await page.locator('[data-map]').getAttribute('data-by-hive')) === 'true' ? 'hive' : 'bee';
  await context.close();
  const frames = after.frames - before.frames;
  const seconds = (after.at - before.at) / 1000;
  return { msPerFrame: ((after.task - before.task) * 1000) / Math.max(1, frames), busyPercent: ((after.task - before.task) / seconds) * 100, fps: frames / seconds, drawnBy };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dist: { type: 'string', multiple: true }, bees: { type: 'string', default: '1000,10000' }, 'window-s': { type: 'string', default: '10' } } });
  const dists = values.dist ?? [path.join(ROOT, 'dist')];
  if (values.dist === undefined && distIsStale(ROOT)) await buildApp(ROOT);
  const sizes = values.bees.split(',').map(Number);
  const host = process.env.HIVE_LAN_HOST || '127.0.0.1';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  try {
    console.log('| build | bees | drawn by | main thread per frame | main thread busy | frames/s |\n|---|---:|---|---:|---:|---:|');
    for (const dist of dists) {
      const server = await startServer({ port: 0, distDir: dist });
      try {
        for (const bees of sizes) {
          const result = await measure(browser, `http://${host}:${server.port}`, bees, Number(values['window-s']));
          console.log(`| ${path.basename(dist)} | ${bees.toLocaleString('en')} | ${result.drawnBy} | ${result.msPerFrame.toFixed(1)} ms | ${result.busyPercent.toFixed(0)}% | ${result.fps.toFixed(1)} |`);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
