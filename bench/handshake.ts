// What a link handshake costs, with and without a passphrase (CPace):
// `scripts/in-netns.sh npx tsx bench/handshake.ts`. Prints markdown tables:
// - warm, both ends in one thread (bench/handshake-cost.ts), in node and in a Chromium page from
//   the LAN origin (pure-JS crypto, no crypto.subtle);
// - in real tabs: a colony of Chromium tabs from the LAN origin, opened twice (open and with a
//   colony key) until every tab has linked, read from the bees' own counters
//   (src/link/authenticated-transport.ts): milliseconds of handshake crypto per link end, cold
//   start of a fresh page included.
//
//   npx tsx bench/handshake.ts [--tabs 6] [--transport simple-peer|peerjs]

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from '@playwright/test';
import { build } from 'vite';
import type { HiveApi, HiveSnapshot } from '../src/bee.ts';
import { handshakeCost, type HandshakeCost } from './handshake-cost.ts';
import { runScript, withServedApp } from './standalone.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LINKED_TIMEOUT_MS = 60_000;
const POLL_MS = 200;
/** Any 32 bytes do as a colony key here: the handshake never sees the passphrase. */
const COLONY_KEY_HEX = '3f03809c34a40ad50ea8b308125db75d137e906d177213b06dde5a0dcd5e8981';

type Hive = HiveApi & { snapshot(): HiveSnapshot };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Result {
  links: number;
  handshakeMs: number;
  refused: number;
}

async function run(browser: Browser, base: string, tabs: number, sealed: boolean): Promise<Result> {
  const colony = `bench-hs-${sealed ? 'sealed' : 'open'}-${Date.now().toString(36)}`;
  const context = await browser.newContext();
  if (sealed) {
    await context.addInitScript(([name, key]) => sessionStorage.setItem(`hivemesh.colonyKey.${name}`, key), [colony, COLONY_KEY_HEX] as const);
  }
  const pages = await Promise.all(Array.from({ length: tabs }, () => context.newPage()));
  await Promise.all(pages.map(async (page) => {
    await page.goto(`${base}&colony=${colony}`);
    await page.waitForFunction(() => 'hive' in window);
    await page.evaluate(() => (window as unknown as { hive: Hive }).hive.ready);
  }));
  const started = Date.now();
  let snaps: HiveSnapshot[] = [];
  while (Date.now() - started < LINKED_TIMEOUT_MS) {
    snaps = await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { hive: Hive }).hive.snapshot())));
    if (snaps.every((s) => s.sealed === sealed && s.roster.length === tabs - 1 && s.neighbours.length > 0)) break;
    await sleep(POLL_MS);
  }
  await context.close();
  const links = snaps.reduce((total, s) => total + s.security.links.authenticated, 0);
  if (links === 0) throw new Error(`no link formed (${sealed ? 'passphrase' : 'open'} colony)`);
  return {
    links,
    handshakeMs: snaps.reduce((total, s) => total + s.security.links.handshakeMs, 0),
    refused: snaps.reduce((total, s) => total + s.security.links.refused, 0),
  };
}

/** bench/handshake-cost.ts as one script for a page: `HandshakeBench.handshakeCost()`. */
async function pageScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: path.join(ROOT, 'bench/handshake-cost.ts'), formats: ['iife'], name: 'HandshakeBench' } },
  });
  const chunk = (Array.isArray(output) ? output[0] : output) as { output: Array<{ type: string; code?: string }> };
  const code = chunk.output.find((item) => item.type === 'chunk')?.code;
  if (!code) throw new Error('bundling bench/handshake-cost.ts gave no script');
  return code;
}

async function inPage(browser: Browser, base: string): Promise<HandshakeCost> {
  const page = await browser.newPage();
  await page.goto(`${base}&colony=bench-hs-page-${Date.now().toString(36)}`);
  await page.addScriptTag({ content: await pageScript() });
  const cost = await page.evaluate(() => (window as unknown as { HandshakeBench: { handshakeCost(): Promise<HandshakeCost> } }).HandshakeBench.handshakeCost());
  await page.close();
  return cost;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tabs: { type: 'string', default: '6' }, transport: { type: 'string', default: 'simple-peer' } } });
  const tabs = Number(values.tabs);
  await withServedApp(async ({ browser, origin, host }) => {
    const base = `${origin}/?transport=${values.transport}`;
    const node = await handshakeCost();
    const chromiumCost = await inPage(browser, base);
    console.log(`node ${process.version}; Chromium ${browser.version()} page from ${host} (secure context: ${chromiumCost.secureContext}); load average ${os.loadavg()[0]?.toFixed(1)}\n`);
    console.log('| warm, both ends | node ms | Chromium ms |');
    console.log('|---|---:|---:|');
    console.log(`| open colony | ${node.openMs.toFixed(2)} | ${chromiumCost.openMs.toFixed(2)} |`);
    console.log(`| passphrase (CPace) | ${node.passphraseMs.toFixed(2)} | ${chromiumCost.passphraseMs.toFixed(2)} |`);
    console.log(`| CPace's share | ${(node.passphraseMs - node.openMs).toFixed(2)} | ${(chromiumCost.passphraseMs - chromiumCost.openMs).toFixed(2)} |\n`);

    const open = await run(browser, base, tabs, false);
    const sealed = await run(browser, base, tabs, true);
    console.log(`Real tabs: ${values.transport}, ${tabs} tabs from ${host}, load average ${os.loadavg()[0]?.toFixed(1)}\n`);
    console.log('| colony | link ends authenticated | refused | ms of handshake crypto per link end |');
    console.log('|---|---:|---:|---:|');
    for (const [name, result] of [['open', open], ['passphrase (CPace)', sealed]] as const) {
      console.log(`| ${name} | ${result.links} | ${result.refused} | ${(result.handshakeMs / result.links).toFixed(2)} |`);
    }
  });
}

runScript(main);
