// Real networks: Chromium as students run it, hiding local addresses behind mDNS names, on a
// network without multicast (the namespace's, like many school Wi-Fi networks). Tabs link through
// the server's own STUN responder; on a network that keeps devices apart, only through a TURN
// relay, and a TURN credential that does not work says so on the page. Runs in the *-mdns
// projects only (playwright.config.ts), once per transport.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startServer, type HiveServer } from '../signaling/server.ts';
import { baseURL, lanHost } from './env.ts';
import { expect, snapshots, test, waitForHive } from './fixtures.ts';
import type { Snapshot } from './fixtures.ts';
import { startTurnServer, type TurnServer } from './turn-server.ts';

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TURN_SECRET = 'a-secret-the-test-shares-with-coturn';

type NetworkSnapshot = Snapshot & { candidates: Record<'host' | 'srflx' | 'prflx' | 'relay', number> };

/** The host candidates this tab's browser offers a fresh peer connection (no ICE servers). */
function hostCandidates(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        const found: string[] = [];
        pc.onicecandidate = ({ candidate }) => {
          if (candidate) found.push(candidate.address ?? '');
          else {
            pc.close();
            resolve(found);
          }
        };
        pc.createDataChannel('probe');
        void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
      }),
  );
}

/** Waits until every tab has a link. */
const linked = (pages: readonly Page[]) => Promise.all(pages.map((page) => waitForHive(page, (hive) => hive.snapshot().neighbours.length >= 1)));

test('tabs whose browser hides its addresses behind mDNS names link through the server\'s STUN responder', async ({ openBees, request }) => {
  const pages = await openBees(4);
  // The premise: this Chromium offers an mDNS name, not its address, and nothing here resolves it.
  const hosts = await hostCandidates(pages[0]!);
  expect(hosts.length).toBeGreaterThan(0);
  for (const host of hosts) expect(host).toMatch(/\.local$/);
  await linked(pages);
  for (const snap of (await snapshots(pages)) as NetworkSnapshot[]) expect(snap.candidates.srflx).toBeGreaterThan(0);
  const health = (await (await request.get(new URL('/health', baseURL).href)).json()) as { stun: { answered: number } };
  expect(health.stun.answered).toBeGreaterThan(0);
});

test.describe('on a server of their own', () => {
  const hives: HiveServer[] = [];
  test.afterAll(async () => {
    await Promise.all(hives.splice(0).map((hive) => hive.close()));
  });

  test('without the STUN responder, tabs that hide their addresses stay eggs and say why on the page', async ({ openBees }) => {
    const hive = await startServer({ port: 0, host: lanHost, distDir: DIST, stunPort: null });
    hives.push(hive);
    const pages = await openBees(2, { origin: `http://${lanHost}:${hive.port}` });
    for (const page of pages) await expect(page.locator('.problem').filter({ hasText: 'mDNS' })).toContainText(/hides its address behind an mDNS name/);
    for (const snap of await snapshots(pages)) expect(snap.neighbours).toEqual([]);
  });
});

test.describe('behind a TURN relay only', () => {
  let turn: TurnServer;
  const hives: HiveServer[] = [];

  test.beforeAll(async () => {
    if (lanHost === undefined) throw new Error('no LAN address to run a TURN server on');
    turn = await startTurnServer(lanHost, TURN_SECRET);
  });

  test.afterAll(async () => {
    await Promise.all(hives.splice(0).map((hive) => hive.close()));
    await turn?.stop();
  });

  /** A second server of the app, handing out only this TURN server, relay candidates only. */
  async function relayOnlyHive(turnServer: { urls: string; username?: string; credential?: string }, turnSecret: string | null): Promise<string> {
    const hive = await startServer({
      port: 0,
      host: lanHost,
      distDir: DIST,
      stunPort: null,
      ice: { iceServers: [turnServer], iceTransportPolicy: 'relay', turnSecret },
    });
    hives.push(hive);
    return `http://${lanHost}:${hive.port}`;
  }

  test('two tabs link with relay candidates only, on credentials made from the shared secret', async ({ openBees }) => {
    const origin = await relayOnlyHive({ urls: turn.url }, TURN_SECRET);
    const pages = await openBees(2, { origin });
    await linked(pages);
    for (const snap of (await snapshots(pages)) as NetworkSnapshot[]) {
      expect(snap.candidates.relay).toBeGreaterThan(0);
      expect({ ...snap.candidates, relay: 0 }).toEqual({ host: 0, srflx: 0, prflx: 0, relay: 0 });
    }
  });

  test('a wrong TURN credential shows the page why the bee cannot link', async ({ openBees }) => {
    const origin = await relayOnlyHive({ urls: turn.url, username: `${Math.floor(Date.now() / 1000) + 3600}:bee`, credential: 'not-the-one' }, null);
    const pages = await openBees(2, { origin });
    for (const page of pages) {
      await expect(page.locator('.problem').filter({ hasText: '401' })).toContainText(/refused this bee: 401 .*check the TURN username and credential/);
    }
    for (const snap of await snapshots(pages)) expect(snap.neighbours).toEqual([]);
  });
});
