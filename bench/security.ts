// What signatures cost in real tabs: `scripts/in-netns.sh npx tsx bench/security.ts`. Opens a
// colony of Chromium tabs from the LAN origin (pure-JS crypto, no crypto.subtle), waits for one
// queen over all workers, has every worker send messages to another worker through her, and reads
// the bees' own counters (src/link/envelope-guard.ts): how many envelopes each signed and
// verified, and the time it took. Prints a markdown table.
//
//   npx tsx bench/security.ts [--tabs 6] [--messages 40] [--transport simple-peer|peerjs]

import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { runScript, withServedApp } from './standalone.ts';

const QUEEN_TIMEOUT_MS = 60_000;
const POLL_MS = 200;

type Hive = HiveApi & { snapshot(): HiveSnapshot };
const snap = (page: Page) => page.evaluate(() => (window as unknown as { hive: Hive }).hive.snapshot());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function awaitQueen(pages: Page[]): Promise<HiveSnapshot[]> {
  const started = Date.now();
  while (Date.now() - started < QUEEN_TIMEOUT_MS) {
    const snaps = await Promise.all(pages.map(snap));
    const queen = snaps.find((s) => s.role === 'queen');
    if (queen && queen.workers.length === pages.length - 1 && snaps.every((s) => s.queen === queen.id)) return snaps;
    await sleep(POLL_MS);
  }
  throw new Error(`no queen over all ${pages.length} tabs within ${QUEEN_TIMEOUT_MS} ms`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tabs: { type: 'string', default: '6' }, messages: { type: 'string', default: '40' }, transport: { type: 'string', default: 'simple-peer' } },
  });
  const tabs = Number(values.tabs);
  const messages = Number(values.messages);
  await withServedApp(async ({ browser, origin, host }) => {
    const context = await browser.newContext();
    const url = `${origin}/?colony=bench-sec-${Date.now().toString(36)}&transport=${values.transport}`;
    const pages = await Promise.all(Array.from({ length: tabs }, () => context.newPage()));
    await Promise.all(pages.map(async (page) => {
      await page.goto(url);
      await page.waitForFunction(() => 'hive' in window);
      await page.evaluate(() => (window as unknown as { hive: Hive }).hive.ready);
    }));
    const before = await awaitQueen(pages);
    const queenIndex = before.findIndex((s) => s.role === 'queen');
    const workers = pages.filter((_, i) => i !== queenIndex);
    const workerIds = before.filter((_, i) => i !== queenIndex).map((s) => s.id);

    const started = performance.now();
    // Each worker sends to the next one, one message at a time (each waits for its ack).
    await Promise.all(workers.map((page, i) =>
      page.evaluate(async ([to, n]) => {
        for (let m = 0; m < n; m++) await (window as unknown as { hive: Hive }).hive.send(to, `bench message ${m} ${'x'.repeat(80)}`);
      }, [workerIds[(i + 1) % workerIds.length] as string, messages] as const),
    ));
    const wallMs = performance.now() - started;
    const after = await Promise.all(pages.map(snap));

    const delta = (i: number) => {
      const [a, b] = [before[i]!.security.envelopes, after[i]!.security.envelopes];
      return { signed: b.signed - a.signed, signMs: b.signMs - a.signMs, verified: b.verified - a.verified, verifyMs: b.verifyMs - a.verifyMs, forwarded: after[i]!.counters.forwarded - before[i]!.counters.forwarded };
    };
    const queen = delta(queenIndex);
    const workerDeltas = workers.map((_, i) => delta(i >= queenIndex ? i + 1 : i));
    const sum = (key: keyof ReturnType<typeof delta>) => workerDeltas.reduce((total, d) => total + d[key], 0);
    const perMessage = workers.length * messages;
    console.log(`Chromium ${browser.version()}, ${values.transport}, ${tabs} tabs from ${host} (secure context: ${host === '127.0.0.1'}), load average ${os.loadavg()[0]?.toFixed(1)}`);
    console.log(`${perMessage} messages worker→queen→worker with acks in ${(wallMs / 1000).toFixed(1)} s (${(perMessage / (wallMs / 1000)).toFixed(0)} messages/s)\n`);
    console.log('| bee | envelopes signed | ms per signature | envelopes verified | ms per verification | frames forwarded |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const row = (name: string, d: ReturnType<typeof delta>) =>
      console.log(`| ${name} | ${d.signed} | ${(d.signMs / Math.max(1, d.signed)).toFixed(2)} | ${d.verified} | ${(d.verifyMs / Math.max(1, d.verified)).toFixed(2)} | ${d.forwarded} |`);
    row('queen', queen);
    row(`workers (all ${workers.length})`, { signed: sum('signed'), signMs: sum('signMs'), verified: sum('verified'), verifyMs: sum('verifyMs'), forwarded: sum('forwarded') });
    console.log(`\nqueen: ${(queen.verifyMs / perMessage).toFixed(2)} ms of verification per message relayed (message + ack + her own claims), ` +
      `${((queen.verifyMs / wallMs) * 100).toFixed(0)}% of the wall time`);
  });
}

runScript(main);
