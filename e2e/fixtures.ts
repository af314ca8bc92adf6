// What every e2e test builds on: the transport under test (one Playwright project each), a fresh
// colony per test, tabs opened on the app and awaited, and a watch on every tab that fails the
// test on any console error or uncaught exception.
import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { lanURL as envLanURL, loopbackURL as envLoopbackURL } from './env.ts';

export type TransportName = 'simple-peer' | 'peerjs';

// The automation contract of shared/DESIGN.md, as the tests see it.
export type Role = 'egg' | 'worker' | 'candidate' | 'queen' | 'evicted' | 'observer';

export interface Snapshot {
  id: string;
  colony: string;
  role: Role;
  term: number;
  queen: string | null;
  workers: string[];
  neighbours: string[];
  roster: string[];
  queens: string[];
  version: unknown;
  transport: string;
}

export interface InboxEntry {
  id: string;
  from: string;
  body: unknown;
  at: number;
  route: string[];
}

export interface Hive {
  ready: Promise<void>;
  id: string;
  snapshot(): Snapshot;
  send(to: string, body: unknown): Promise<void>;
  broadcast(body: unknown): Promise<void>;
  inbox(): InboxEntry[];
  abdicate(): unknown;
  goRogue(): unknown;
  seedUpgrade(): unknown;
}

/**
 * `window` as the contract promises it. Page functions cast to this (through unknown) rather than
 * use the app's own declaration of `window.hive`, so the tests state the contract independently.
 */
export type HiveWindow = Window & { hive: Hive };

const READY_TIMEOUT_MS = 30_000;
/** Generous: discovery, elections and heartbeat-based departures take seconds, not frames. */
export const HIVE_WAIT_TIMEOUT_MS = 60_000;
const ASYNC_PREDICATE = 'waitForHive: async predicate';

export interface OpenBeeOptions {
  /** Origin to open the app from; the project's baseURL by default. */
  origin?: string;
  /** Another colony than the test's own. */
  colony?: string;
  capacity?: number;
  /** Any further query parameters. */
  params?: Record<string, string>;
}

export interface HiveOptions {
  transport: TransportName;
}

interface HiveFixtures {
  /** A colony name no other test uses. */
  colony: string;
  loopbackURL: string;
  /** The non-loopback origin (10.99.0.1 in the namespace); not a secure context. */
  lanURL: string;
  /** Tolerate console errors matching `pattern` for the rest of this test (say why at the call). */
  allowConsoleError: (pattern: RegExp) => void;
  /** Opens the app in `target` (a page, or a new tab of a context; the test's context by default) and awaits `hive.ready`. */
  openBee: (target?: Page | BrowserContext, options?: OpenBeeOptions) => Promise<Page>;
  /** Opens `n` tabs of the test's browser context on the test's colony, all ready. */
  openBees: (n: number, options?: OpenBeeOptions) => Promise<Page[]>;
}

interface ConsoleWatch {
  watch(page: Page): void;
  allow(pattern: RegExp): void;
}

export const test = base.extend<HiveOptions & HiveFixtures & { consoleWatch: ConsoleWatch }>({
  transport: ['simple-peer', { option: true }],

  colony: async ({ transport }, use, testInfo) => {
    // testId ends in a hash of file, title and project; the time keeps reruns on one server apart.
    await use(`e2e-${transport === 'peerjs' ? 'pj' : 'sp'}-${testInfo.testId.slice(-12)}-${Date.now().toString(36)}`);
  },

  loopbackURL: async ({}, use) => {
    await use(envLoopbackURL);
  },

  lanURL: async ({}, use) => {
    if (envLanURL === undefined) throw new Error('no non-loopback IPv4 address on this machine to open the app from');
    await use(envLanURL);
  },

  consoleWatch: [
    async ({ context }, use, testInfo) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      const watched = new WeakSet<Page>();
      const tabName = (page: Page) => `tab ${page.url()}`;
      const record = (text: string) => {
        if (!allowed.some((pattern) => pattern.test(text))) errors.push(text);
      };
      const watch = (page: Page) => {
        if (watched.has(page)) return;
        watched.add(page);
        page.on('console', (message) => {
          if (message.type() !== 'error') return;
          const { url, lineNumber } = message.location();
          record(`${tabName(page)}: console.error: ${message.text()} (${url}:${lineNumber})`);
        });
        page.on('pageerror', (error) => record(`${tabName(page)}: uncaught ${error.stack ?? error.message}`));
        page.on('crash', () => record(`${tabName(page)}: crashed`));
      };
      context.on('page', watch);
      await use({ watch, allow: (pattern) => allowed.push(pattern) });
      context.off('page', watch);
      if (errors.length > 0) {
        await testInfo.attach('console-errors.txt', { body: errors.join('\n'), contentType: 'text/plain' });
        throw new Error(`${errors.length} console error(s) in the tabs:\n${errors.slice(0, 10).join('\n')}`);
      }
    },
    { auto: true },
  ],

  allowConsoleError: async ({ consoleWatch }, use) => {
    await use(consoleWatch.allow);
  },

  openBee: async ({ context, colony, transport, baseURL, consoleWatch }, use) => {
    await use(async (target = context, options = {}) => {
      const page = 'goto' in target ? target : await target.newPage();
      consoleWatch.watch(page);
      const url = new URL('/', options.origin ?? baseURL);
      url.searchParams.set('colony', options.colony ?? colony);
      url.searchParams.set('transport', transport);
      if (options.capacity !== undefined) url.searchParams.set('capacity', String(options.capacity));
      for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, value);
      await page.goto(url.href);
      await page.waitForFunction(() => 'hive' in window, null, { timeout: READY_TIMEOUT_MS });
      // A bare evaluate of `ready` would hang until the test timeout; this names the culprit.
      await page.evaluate(
        (timeoutMs) =>
          Promise.race([
            (window as unknown as HiveWindow).hive.ready,
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error(`window.hive.ready not resolved after ${timeoutMs} ms`)), timeoutMs),
            ),
          ]),
        READY_TIMEOUT_MS,
      );
      return page;
    });
  },

  openBees: async ({ context, openBee }, use) => {
    await use((n, options) => Promise.all(Array.from({ length: n }, () => openBee(context, options))));
  },
});

export { expect };

export function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => (window as unknown as HiveWindow).hive.snapshot());
}

export function snapshots(pages: readonly Page[]): Promise<Snapshot[]> {
  return Promise.all(pages.map(snapshot));
}

export function inbox(page: Page): Promise<InboxEntry[]> {
  return page.evaluate(() => (window as unknown as HiveWindow).hive.inbox());
}

export function beeId(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as HiveWindow).hive.id);
}

/**
 * Waits until `predicate(hive, arg)` holds in the tab. A function runs in the page, so it may use
 * only its parameters; a string is an expression over `hive` and `arg`, e.g.
 * `'hive.snapshot().roster.length === arg'`. It must be synchronous (Playwright would take a
 * pending promise for success); `arg` must be JSON.
 */
export async function waitForHive<A>(
  page: Page,
  predicate: string | ((hive: Hive, arg: A) => unknown),
  arg?: A,
  timeoutMs = HIVE_WAIT_TIMEOUT_MS,
): Promise<void> {
  const fn = typeof predicate === 'string' ? `(hive, arg) => (${predicate})` : predicate.toString();
  // One expression, because Playwright ships a function's source, never a closure over another.
  // A promise is truthy: it ends the wait with a marker, since throwing would count as a page error.
  const expression = `window.hive !== undefined && (() => {
    const result = (${fn})(window.hive, ${JSON.stringify(arg ?? null)});
    return result instanceof Promise ? { [${JSON.stringify(ASYNC_PREDICATE)}]: true } : result;
  })()`;
  const handle = await page.waitForFunction(expression, null, { timeout: timeoutMs, polling: 100 });
  const isAsync = await handle.evaluate((value, marker) => typeof value === 'object' && value !== null && marker in value, ASYNC_PREDICATE);
  await handle.dispose();
  if (isAsync) throw new Error('waitForHive predicates must be synchronous: Playwright cannot await them');
}
