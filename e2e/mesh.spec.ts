// The foundation: tabs of one colony form a sparse, connected mesh over real WebRTC, flood
// broadcasts exactly once, route direct messages over several hops, notice departures, shrug off
// bad signaling input, and do all of it from an insecure LAN origin. Runs once per transport.
import WebSocket from 'ws';
import type { Page } from '@playwright/test';
import { createIdentity } from '../src/crypto/identity.ts';
import { proveJoin } from '../src/net/join-proof.ts';
import { MAX_SIGNAL_FRAME_BYTES, SIGNAL_PATH } from '../src/net/signal-protocol.ts';
import { isConnected, links, workersOfOneQueen } from './graph.ts';
import { beeId, expect, inbox, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const COLONY_SIZE = 6;
/** A full mesh of 6 bees has 15 links; discovery keeps about 3–4 per bee. */
const FULL_MESH_LINKS = (COLONY_SIZE * (COLONY_SIZE - 1)) / 2;
const MAX_NEIGHBOURS = 8;
const SIGNAL_ANSWER_TIMEOUT_MS = 5_000;

/**
 * Waits until every tab knows every other bee and has a link, then until the links connect them.
 * Roster semantics: "known live bees" may or may not list the bee itself; either is accepted,
 * but nothing outside the colony may appear in it.
 */
async function awaitMesh(pages: readonly Page[]): Promise<string[]> {
  const ids = await Promise.all(pages.map(beeId));
  await Promise.all(
    pages.map((page) =>
      waitForHive(
        page,
        (hive, all: string[]) => {
          const { roster, neighbours } = hive.snapshot();
          const known = new Set([...roster, hive.id]);
          return all.every((id) => known.has(id)) && neighbours.length >= 1;
        },
        ids,
      ),
    ),
  );
  await expect.poll(async () => isConnected(ids, await snapshots(pages)), { message: 'link graph connected' }).toBe(true);
  return ids;
}

const countBody = (page: Page, body: string) =>
  page.evaluate((wanted) => (window as unknown as HiveWindow).hive.inbox().filter((entry) => entry.body === wanted).length, body);

/** Broadcasts `body` from `from` and waits until every page in `to` has it. */
async function broadcastAndAwait(from: Page, to: readonly Page[], body: string): Promise<void> {
  await from.evaluate((message) => (window as unknown as HiveWindow).hive.broadcast(message), body);
  await Promise.all(to.map((page) => waitForHive(page, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), body)));
}

type SignalAnswer =
  | { kind: 'error'; code: string }
  | { kind: 'close'; code: number }
  | { kind: 'other'; frame: string };

/** Sends `frames` on a fresh signaling socket and reports the server's first reaction. */
function signalAnswer(url: string, frames: ReadonlyArray<string | Buffer>): Promise<SignalAnswer> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const done = (answer: SignalAnswer) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(answer);
    };
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer from ${url} within ${SIGNAL_ANSWER_TIMEOUT_MS} ms`));
    }, SIGNAL_ANSWER_TIMEOUT_MS);
    socket.on('open', () => frames.forEach((frame) => socket.send(frame)));
    socket.on('message', (data) => {
      const frame = data.toString();
      try {
        const message = JSON.parse(frame) as { type?: unknown; code?: unknown };
        if (message.type === 'challenge') return; // every socket's first frame
        if (message.type === 'error') return done({ kind: 'error', code: String(message.code) });
      } catch {
        // Not JSON: reported as is below.
      }
      done({ kind: 'other', frame });
    });
    socket.on('close', (code) => done({ kind: 'close', code }));
    socket.on('error', () => {
      // A refused or reset socket ends in 'close' as well.
    });
  });
}

/** Joins `colony` as a scripted bee of its own (a fresh identity) and returns the open socket once welcomed. */
function joinAs(url: string, colony: string): Promise<WebSocket> {
  const identity = createIdentity();
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no welcome from ${url}`)), SIGNAL_ANSWER_TIMEOUT_MS);
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type?: unknown; nonce?: string };
      if (message.type === 'challenge') {
        socket.send(JSON.stringify({ type: 'join', colony, bee: identity.id, ...proveJoin(identity, colony, message.nonce!) }));
        return;
      }
      clearTimeout(timer);
      if (message.type === 'welcome') resolve(socket);
      else reject(new Error(`join answered with ${data.toString()}`));
    });
    socket.on('error', reject);
  });
}

test.describe('a colony of six tabs', () => {
  test('forms one connected mesh that is not a full mesh', async ({ openBees, colony, transport }) => {
    const pages = await openBees(COLONY_SIZE);
    const ids = await awaitMesh(pages);
    const snaps = await snapshots(pages);

    for (const [index, snap] of snaps.entries()) {
      const others = ids.filter((id) => id !== snap.id);
      expect(snap.id).toBe(ids[index]);
      expect(snap.colony).toBe(colony);
      expect(snap.transport).toBe(transport);
      expect(new Set(snap.roster.filter((id) => id !== snap.id)), `roster of ${snap.id}`).toEqual(new Set(others));
      expect(snap.neighbours.length, `neighbours of ${snap.id}`).toBeGreaterThanOrEqual(1);
      expect(snap.neighbours.length, `neighbours of ${snap.id}`).toBeLessThanOrEqual(MAX_NEIGHBOURS);
      expect(others, `neighbours of ${snap.id} are colony members`).toEqual(expect.arrayContaining(snap.neighbours));
      await expect(pages[index]!.locator(`[data-bee="${snap.id}"]`)).toHaveCount(1);
    }
    expect(links(snaps).size).toBeLessThan(FULL_MESH_LINKS);
  });

  test('delivers a broadcast to every other bee exactly once', async ({ openBees, colony }) => {
    const pages = await openBees(COLONY_SIZE);
    const [senderId] = await awaitMesh(pages);
    const [sender, ...others] = pages;
    const body = `broadcast ${colony}`;

    await broadcastAndAwait(sender!, others, body);
    // A later broadcast flushes any duplicate of the first that was still travelling the mesh.
    await broadcastAndAwait(sender!, others, `fence ${colony}`);

    for (const page of others) {
      const entries = (await inbox(page)).filter((entry) => entry.body === body);
      expect(entries, `copies at ${await beeId(page)}`).toHaveLength(1);
      expect(entries[0]?.from).toBe(senderId);
    }
  });

  test('routes a direct message between two workers through their queen, over several hops', async ({ openBees, colony }) => {
    const pages = await openBees(COLONY_SIZE);
    const ids = await awaitMesh(pages);
    // Two workers of one queen talk through her, whether or not they link each other: a pair of
    // bees merely unlinked when chosen may link before the message leaves (a queen links every
    // worker that follows her) and then need no relay.
    let pair: [Snapshot, Snapshot] | undefined;
    await expect
      .poll(async () => {
        pair = workersOfOneQueen(await snapshots(pages));
        return pair !== undefined;
      }, { message: 'two workers of one queen', timeout: 60_000 })
      .toBe(true);
    const [from, to] = pair!;
    const sender = pages[ids.indexOf(from.id)]!;
    const receiver = pages[ids.indexOf(to.id)]!;
    const body = `direct ${colony}`;

    // send() resolves only on the end-to-end ack.
    await sender.evaluate(([peer, message]) => (window as unknown as HiveWindow).hive.send(peer, message), [to.id, body] as const);
    await waitForHive(receiver, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), body);

    const entries = (await inbox(receiver)).filter((entry) => entry.body === body);
    expect(entries).toHaveLength(1);
    const { route, from: origin } = entries[0]!;
    expect(origin).toBe(from.id);
    expect(route.length, `route ${route.join(' → ')}`).toBeGreaterThanOrEqual(3);
    expect(route[0]).toBe(from.id);
    expect(route.at(-1)).toBe(to.id);
  });

  test('drops a closed tab from every other roster', async ({ openBees }) => {
    const pages = await openBees(COLONY_SIZE);
    const ids = await awaitMesh(pages);
    const leaving = pages.at(-1)!;
    const leavingId = ids.at(-1)!;
    const staying = pages.slice(0, -1);

    await leaving.close();

    await Promise.all(
      staying.map((page) =>
        waitForHive(
          page,
          (hive, gone: string) => {
            const { roster, neighbours } = hive.snapshot();
            return !roster.includes(gone) && !neighbours.includes(gone);
          },
          leavingId,
        ),
      ),
    );
    const stayingIds = ids.slice(0, -1);
    await expect.poll(async () => isConnected(stayingIds, await snapshots(staying)), { message: 'survivors still connected' }).toBe(true);
  });

  test('keeps working while the signaling server rejects bad input', async ({ openBees, colony, baseURL }) => {
    const pages = await openBees(COLONY_SIZE);
    const ids = await awaitMesh(pages);
    const signalURL = new URL(SIGNAL_PATH, baseURL!.replace(/^http/, 'ws')).href;
    const validBee = 'bad0bee0'.repeat(4);
    const oversizedJoin = JSON.stringify({ type: 'join', colony, bee: validBee, pad: 'x'.repeat(MAX_SIGNAL_FRAME_BYTES) });

    const cases: ReadonlyArray<{ name: string; frame: string | Buffer; code: string }> = [
      { name: 'text that is not JSON', frame: '{"type":', code: 'ERR_MALFORMED' },
      { name: 'JSON that is not an object', frame: '[1,2,3]', code: 'ERR_MALFORMED' },
      { name: 'an unknown message type', frame: '{"type":"sting"}', code: 'ERR_MALFORMED' },
      { name: 'a join to an invalid colony', frame: JSON.stringify({ type: 'join', colony: 'no spaces!', bee: validBee }), code: 'ERR_MALFORMED' },
      { name: 'a join with an invalid bee id', frame: JSON.stringify({ type: 'join', colony, bee: 'NOT-HEX' }), code: 'ERR_MALFORMED' },
      { name: 'binary garbage', frame: Buffer.from([0xff, 0xfe, 0x00, 0x01]), code: 'ERR_MALFORMED' },
      { name: 'a frame just over the limit', frame: oversizedJoin, code: 'ERR_TOO_LARGE' },
      { name: 'a 1 MiB frame', frame: 'x'.repeat(1024 * 1024), code: 'ERR_TOO_LARGE' },
    ];
    for (const { name, frame, code } of cases) {
      const answer = await signalAnswer(signalURL, [frame]);
      // Hanging up is an acceptable answer; anything said must be the right error.
      if (answer.kind !== 'close') expect(answer, name).toEqual({ kind: 'error', code });
    }

    // Garbage relayed to real bees by a bee that joined properly: honest bees must shrug it off.
    const intruder = await joinAs(signalURL, colony);
    for (const id of ids) {
      for (const data of [{ bogus: true }, 'garbage', { type: 'offer', sdp: 'not sdp' }, { candidate: 'nonsense' }]) {
        intruder.send(JSON.stringify({ type: 'signal', to: id, data }));
      }
    }
    intruder.close();

    const health = await fetch(new URL('/health', baseURL));
    expect(health.status).toBe(200);
    const [, sender, ...rest] = pages;
    await broadcastAndAwait(sender!, [pages[0]!, ...rest], `still working ${colony}`);
  });
});

test('three tabs opened from the LAN address, not a secure context, link and broadcast', async ({ context, openBee, lanURL, colony }) => {
  expect(new URL(lanURL).hostname, 'the LAN origin is not loopback').not.toMatch(/^(127\.|localhost$|\[::1\]$)/);
  const pages = await Promise.all([0, 1, 2].map(() => openBee(context, { origin: lanURL })));
  for (const page of pages) {
    expect(await page.evaluate(() => [window.isSecureContext, typeof window.crypto.subtle])).toEqual([false, 'undefined']);
  }
  await awaitMesh(pages);
  const [sender, ...others] = pages;
  const body = `lan ${colony}`;
  await broadcastAndAwait(sender!, others, body);
  for (const page of others) expect(await countBody(page, body)).toBe(1);
});
