// `hivemesh/testing`: Playwright fixtures for multi-tab tests of an app built on Hivemesh, the
// ones the project's own e2e suite uses. Each test gets a colony of its own; `openBee` opens a tab
// on it and waits for `window.hive.ready`; every tab is watched, and any console error, uncaught
// exception or crash fails the test. The page must expose its bee as `window.hive`
// (`window.hive = colony.hive`) and take its colony's name from `?colony=`.
// No relative imports at run time: Node loads this file as is from the package.
import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';

// The automation contract (docs/api.md) as the tests see it: stated here independently of the
// app's own types, so a change to the contract shows up as a test change.
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

/** `window` as the contract promises it; page functions cast to it (through unknown). */
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

export interface HiveTestOptions {
  /** The page every bee opens (resolved against the origin): '/' by default. */
  beePath: string;
  /** Query parameters every bee's URL carries besides `colony`, e.g. `{ transport: 'peerjs' }`. */
  beeParams: Record<string, string>;
}

export interface HiveFixtures {
  /** A colony name no other test uses. */
  colony: string;
  /** Tolerate console errors matching `pattern` for the rest of this test (say why at the call). */
  allowConsoleError: (pattern: RegExp) => void;
  /** Opens the app in `target` (a page, or a new tab of a context; the test's context by default) and awaits `hive.ready`. */
  openBee: (target?: Page | BrowserContext, options?: OpenBeeOptions) => Promise<Page>;
  /** Opens `n` tabs of the test's browser context on the test's colony, all ready. */
  openBees: (n: number, options?: OpenBeeOptions) => Promise<Page[]>;
}

export interface ConsoleWatch {
  watch(page: Page): void;
  allow(pattern: RegExp): void;
}

export const test = base.extend<HiveTestOptions & HiveFixtures & { consoleWatch: ConsoleWatch }>({
  beePath: ['/', { option: true }],
  beeParams: [{}, { option: true }],

  colony: async ({}, use, testInfo) => {
    // testId ends in a hash of file, title and project; the time keeps reruns on one server apart.
    await use(`t-${testInfo.testId.slice(-12)}-${Date.now().toString(36)}`);
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

  openBee: async ({ context, colony, beePath, beeParams, baseURL, consoleWatch }, use) => {
    await use(async (target = context, options = {}) => {
      const page = 'goto' in target ? target : await target.newPage();
      consoleWatch.watch(page);
      const url = new URL(beePath, options.origin ?? baseURL);
      url.searchParams.set('colony', options.colony ?? colony);
      for (const [key, value] of Object.entries(beeParams)) url.searchParams.set(key, value);
      if (options.capacity !== undefined) url.searchParams.set('capacity', String(options.capacity));
      for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, value);
      await page.goto(url.href);
      await page.waitForFunction(() => 'hive' in window, null, { timeout: READY_TIMEOUT_MS });
      await awaitReady(page);
      return page;
    });
  },

  openBees: async ({ context, openBee }, use) => {
    await use((n, options) => Promise.all(Array.from({ length: n }, () => openBee(context, options))));
  },
});

export { expect };

/** Awaits `window.hive.ready`; a bare evaluate would hang until the test timeout, this names the culprit. */
function awaitReady(page: Page): Promise<unknown> {
  return page.evaluate(
    (timeoutMs) =>
      Promise.race([
        (window as unknown as HiveWindow).hive.ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`window.hive.ready not resolved after ${timeoutMs} ms`)), timeoutMs)),
      ]),
    READY_TIMEOUT_MS,
  );
}

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

/**
 * Why these snapshots are not one settled colony, or null when they are: every bee knows every
 * other, each is a queen or a worker, and every worker follows a queen that reigns.
 */
export function unsettled(snaps: readonly Snapshot[]): string | null {
  const ids = snaps.map((snap) => snap.id);
  const queens = new Set(snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id));
  if (queens.size === 0) return 'no queen yet';
  for (const snap of snaps) {
    if (snap.role !== 'queen' && snap.role !== 'worker') return `bee ${snap.id} is ${snap.role}`;
    if (snap.role === 'worker' && (snap.queen === null || !queens.has(snap.queen))) return `worker ${snap.id} follows ${snap.queen ?? 'nobody'}, who does not reign`;
    const unknown = ids.filter((id) => id !== snap.id && !snap.roster.includes(id));
    if (unknown.length > 0) return `bee ${snap.id} does not know ${unknown.join(', ')}`;
  }
  return null;
}

/** Waits until the tabs form one settled colony (`unsettled`), and returns their snapshots. */
export async function waitForSettled(pages: readonly Page[], timeoutMs = HIVE_WAIT_TIMEOUT_MS): Promise<Snapshot[]> {
  let why: string | null = 'not looked yet';
  await expect
    .poll(
      async () => {
        why = unsettled(await snapshots(pages));
        return why;
      },
      { timeout: timeoutMs, message: 'the colony to settle' },
    )
    .toBeNull();
  return snapshots(pages);
}

/**
 * Crashes the tab's renderer: no pagehide, no goodbye, as when a laptop lid shuts. Call
 * `allowConsoleError(/: crashed$/)` first; resolves once the page reports the crash.
 */
export async function crashBee(page: Page): Promise<void> {
  const crashed = page.waitForEvent('crash', { timeout: 10_000 });
  const cdp = await page.context().newCDPSession(page);
  // The crash takes the session down with it: its answer never comes.
  cdp.send('Page.crash').catch(() => undefined);
  await crashed;
}

/**
 * Freezes the tab until the returned thaw is called: its scripts stop where they are (timers,
 * socket and data-channel handlers wait), as in a tab the browser suspended, while its links stay
 * open. Nothing may evaluate in the page meanwhile: it would wait for the thaw.
 */
export async function freezeBee(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  // The debugger's pause halts the page's JavaScript for sure; Page.setWebLifecycleState's
  // 'frozen' left a headless tab's bee running.
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
  return async () => {
    await cdp.send('Debugger.resume');
    await cdp.detach();
  };
}

/** Reloads the tab and waits for its bee to be ready again (the same bee: sessionStorage keeps it). */
export async function reloadBee(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => 'hive' in window, null, { timeout: READY_TIMEOUT_MS });
  await awaitReady(page);
}
