// Colony growth, end to end: twelve tabs with room for four workers per queen settle into several
// hives whose queens link each other (the court); messages cross hives queen to queen and a
// broadcast reaches every bee once. Then the signaling server goes away: the colony keeps routing,
// a queen's workers re-attach to her successor through links signalled over the mesh, and a new
// tab joins once the server is back. Timings are printed as `[growth-timing]` lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Page, TestInfo } from '@playwright/test';
import { lanHost } from './env.ts';
import { beeId, expect, inbox, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const CAPACITY = 4;
const TABS = 12;
/** Tabs opening at once on 2 cores, elections, breeding and court links: generous. */
const SETTLE_TIMEOUT_MS = 90_000;
/** A second server of the test's own, so the test can stop and restart it. */
const OWN_SERVER_PORT = 8093;

interface HiveInfo extends Snapshot {
  hives: Array<{ queen: string; term: number; workers: string[] }>;
  court: string[];
  capacity: number;
  signaling: boolean;
  connections: number;
  meshSignals: number;
}

const info = (pages: readonly Page[]) => snapshots(pages) as Promise<HiveInfo[]>;

/**
 * Why `snaps` are not settled hives (every bee a worker of a live queen that counts it, no queen
 * over capacity, at least `minHives` queens, each linking every other and knowing the others'
 * hives as they are), or null when they are.
 */
function hivesProblem(snaps: readonly HiveInfo[], minHives: number): string | null {
  const queens = new Map(snaps.filter((snap) => snap.role === 'queen').map((snap) => [snap.id, snap]));
  if (queens.size < minHives) return `${queens.size} queens, want at least ${minHives}`;
  for (const snap of snaps) {
    if (snap.role === 'queen') continue;
    const queen = snap.queen === null ? undefined : queens.get(snap.queen);
    if (!queen) return `${snap.id} (${snap.role}) follows ${snap.queen ?? 'nobody'}, not a live queen`;
    if (!queen.workers.includes(snap.id)) return `${snap.id} follows ${queen.id}, who does not count it`;
  }
  for (const queen of queens.values()) {
    if (queen.workers.length > queen.capacity) return `${queen.id} has ${queen.workers.length} workers, capacity ${queen.capacity}`;
    const missing = [...queens.keys()].filter((other) => other !== queen.id && !queen.court.includes(other));
    if (missing.length > 0) return `${queen.id}'s court lacks ${missing.join(', ')}`;
    for (const other of queens.values()) {
      const known = queen.hives.find((hive) => hive.queen === other.id);
      if (other !== queen && [...(known?.workers ?? [])].sort().join() !== [...other.workers].sort().join()) {
        return `${queen.id} does not know ${other.id}'s hive as it is yet`;
      }
    }
  }
  return null;
}

const dump = (snaps: readonly HiveInfo[]) =>
  snaps.map((s) => `  ${s.id} ${s.role} queen=${s.queen ?? '-'} workers=[${s.workers.join(',')}] court=[${s.court.join(',')}] links=${s.neighbours.length}`).join('\n');

async function awaitHives(pages: readonly Page[], minHives: number, timeoutMs: number): Promise<HiveInfo[]> {
  let settled: HiveInfo[] = [];
  await expect(async () => {
    const snaps = await info(pages);
    const problem = hivesProblem(snaps, minHives);
    expect(problem, `${problem}\n${dump(snaps)}`).toBeNull();
    settled = snaps;
  }).toPass({ timeout: timeoutMs, intervals: [250] });
  return settled;
}

function timing(testInfo: TestInfo, transport: string, name: string, ms: number): void {
  testInfo.annotations.push({ type: 'timing', description: `${name}=${ms}` });
  console.log(`[growth-timing] ${transport} ${name}=${ms}`);
}

const send = (page: Page, to: string, body: string) =>
  page.evaluate(([peer, message]) => (window as unknown as HiveWindow).hive.send(peer, message), [to, body] as const);

const broadcast = (page: Page, body: string) => page.evaluate((message) => (window as unknown as HiveWindow).hive.broadcast(message), body);

const copies = async (page: Page, body: string) => (await inbox(page)).filter((entry) => entry.body === body);

test.describe('growth: hives, the court and life without the signaling server', () => {
  test(`${TABS} tabs with capacity ${CAPACITY} settle into hives linked by their queens`, async ({ openBees, transport }, testInfo) => {
    const pages = await openBees(TABS, { capacity: CAPACITY });
    const loadedAt = Date.now();
    const ids = await Promise.all(pages.map(beeId));
    const pageOf = (id: string) => pages[ids.indexOf(id)]!;
    const snaps = await awaitHives(pages, 3, SETTLE_TIMEOUT_MS);
    timing(testInfo, transport, 'settle_ms', Date.now() - loadedAt);
    const queens = snaps.filter((snap) => snap.role === 'queen');
    const links = snaps.reduce((sum, snap) => sum + snap.neighbours.length, 0) / 2;
    console.log(`[growth-timing] ${transport} hives=${queens.length} links=${links} full_mesh_links=${(TABS * (TABS - 1)) / 2}`);
    expect(links, 'far fewer links than a full mesh').toBeLessThan((TABS * (TABS - 1)) / 2);

    // Across hives: sender → its queen → the receiver's queen → receiver (between two hives that
    // have workers: a queen may settle alone, her hive too small to merge into a full one).
    const [qa, qb] = queens.filter((queen) => queen.workers.length > 0) as [HiveInfo, HiveInfo];
    const [a, b] = [qa.workers[0]!, qb.workers[0]!];
    await send(pageOf(a), b, 'across the court');
    await waitForHive(pageOf(b), (hive) => hive.inbox().some((entry) => entry.body === 'across the court'));
    expect((await copies(pageOf(b), 'across the court')).map((entry) => entry.route)).toEqual([[a, qa.id, qb.id, b]]);

    // A broadcast from a worker reaches each of the other eleven bees exactly once.
    await broadcast(pageOf(a), 'to the whole colony');
    const others = pages.filter((page) => page !== pageOf(a));
    for (const page of others) await waitForHive(page, (hive) => hive.inbox().some((entry) => entry.body === 'to the whole colony'));
    // Late duplicates would have arrived by the time a fresh message crosses the colony again.
    await send(pageOf(b), a, 'fence');
    await waitForHive(pageOf(a), (hive) => hive.inbox().some((entry) => entry.body === 'fence'));
    for (const page of others) expect(await copies(page, 'to the whole colony')).toHaveLength(1);
    expect(await copies(pageOf(a), 'to the whole colony')).toHaveLength(0);
  });

  test('without the signaling server the colony keeps routing and re-elects; a new tab joins once it is back', async ({
    openBee,
    transport,
    allowConsoleError,
  }, testInfo) => {
    const host = lanHost ?? '127.0.0.1';
    const origin = `http://${host}:${OWN_SERVER_PORT}`;
    let server = await startServer();
    try {
      // The tabs' signaling socket and PeerJS fail loudly while their server is down.
      allowConsoleError(/WebSocket|ERR_CONNECTION_REFUSED|Lost connection to server|peerjs|Failed to load resource/i);
      const pages: Page[] = [];
      for (let i = 0; i < 6; i++) pages.push(await openBee(undefined, { origin }));
      const ids = await Promise.all(pages.map(beeId));
      const first = await awaitHives(pages, 1, SETTLE_TIMEOUT_MS);
      const queen = first.find((snap) => snap.role === 'queen')!.id;

      await stopServer(server);
      for (const page of pages) await waitForHive(page, (hive) => !(hive.snapshot() as unknown as HiveInfo).signaling);
      const survivors = pages.filter((_, i) => ids[i] !== queen);
      const [a, b] = survivors as [Page, Page];
      const bId = ids[pages.indexOf(b)]!;

      if (transport === 'peerjs') {
        // PeerJS signals only through its own server (docs/protocol.md): the links it has keep
        // carrying the colony's traffic, and new links wait for the server to return.
        await send(a, bId, 'no server, still routing');
        await waitForHive(b, (hive) => hive.inbox().some((entry) => entry.body === 'no server, still routing'));
      } else {
        const linksBefore = new Map((await info(survivors)).map((snap) => [snap.id, snap.neighbours]));
        const lostAt = Date.now();
        await pages[ids.indexOf(queen)]!.close();
        await send(a, bId, 'during a failover without a server');
        const after = await awaitHives(survivors, 1, SETTLE_TIMEOUT_MS);
        timing(testInfo, transport, 'failover_without_server_ms', Date.now() - lostAt);
        expect(after.map((snap) => snap.queen)).not.toContain(queen);
        await waitForHive(b, (hive) => hive.inbox().some((entry) => entry.body === 'during a failover without a server'));
        expect(await copies(b, 'during a failover without a server')).toHaveLength(1);
        // Workers that had no link to the new queen needed one, and only the mesh could signal it.
        const successor = after.find((snap) => snap.role === 'queen')!.id;
        const newlyLinked = after.filter((snap) => snap.id !== successor && !linksBefore.get(snap.id)!.includes(successor)).length;
        const relayed = after.reduce((sum, snap) => sum + snap.meshSignals, 0);
        console.log(`[growth-timing] ${transport} workers_newly_linked_without_server=${newlyLinked} mesh_signals=${relayed}`);
        if (newlyLinked > 0) expect(relayed, 'new links were signalled through the mesh').toBeGreaterThan(0);
      }

      server = await startServer();
      for (const page of pages.filter((page) => !page.isClosed())) await waitForHive(page, (hive) => (hive.snapshot() as unknown as HiveInfo).signaling);
      const newcomer = await openBee(undefined, { origin });
      const newcomerId = await beeId(newcomer);
      await waitForHive(newcomer, (hive) => hive.snapshot().queen !== null && hive.snapshot().neighbours.includes(hive.snapshot().queen!));
      await send(newcomer, bId, 'hello from the newcomer');
      await waitForHive(b, (hive) => hive.inbox().some((entry) => entry.body === 'hello from the newcomer'));
      expect((await copies(b, 'hello from the newcomer'))[0]?.from).toBe(newcomerId);
    } finally {
      await stopServer(server);
    }

    function startServer(): Promise<ChildProcess> {
      const child = spawn('node_modules/.bin/tsx', ['signaling/main.ts'], {
        env: { ...process.env, PORT: String(OWN_SERVER_PORT), HOST: '0.0.0.0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      return new Promise((resolve, reject) => {
        let exited = false;
        child.once('exit', (code) => {
          exited = true;
          reject(new Error(`test server exited with ${code}`));
        });
        child.stdout?.resume();
        const poll = async () => {
          try {
            if ((await fetch(`http://127.0.0.1:${OWN_SERVER_PORT}/health`)).ok) return resolve(child);
          } catch {
            // not listening yet
          }
          if (!exited) setTimeout(poll, 100);
        };
        void poll();
      });
    }
  });
});

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.removeAllListeners('exit');
  server.kill('SIGTERM');
  await once(server, 'exit');
}
