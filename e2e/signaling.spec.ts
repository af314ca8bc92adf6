// An outsider at the signaling server, from the test process with node's ws: it joins under the
// live queen's id without her key (and hangs up at once, or stays), and squats her PeerJS id.
// Before joins were proven, the first made every worker drop the queen within 300 ms and start a
// new term, and the second took her signals. Now the colony keeps its queen and term, and she
// keeps her links and her socket. Runs once per transport.
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { createIdentity } from '../src/crypto/identity.ts';
import { proveJoin } from '../src/net/join-proof.ts';
import { SIGNAL_PATH } from '../src/net/signal-protocol.ts';
import { beeId, expect, inbox, snapshots, test, type HiveWindow } from './fixtures.ts';

const COLONY_SIZE = 3;
const ANSWER_TIMEOUT_MS = 5_000;

type ProblemWindow = HiveWindow & { hive: { problems: string[] } };

/** Waits until every tab follows one queen, who reigns; returns her id and term. */
async function awaitQueen(pages: readonly Page[]): Promise<{ queen: string; term: number }> {
  let reign = { queen: '', term: 0 };
  await expect(async () => {
    const snaps = await snapshots(pages);
    expect(new Set(snaps.map((snap) => `${snap.queen}@${snap.term}`)).size).toBe(1);
    expect(snaps.filter((snap) => snap.role === 'queen')).toHaveLength(1);
    reign = { queen: snaps[0]!.queen!, term: snaps[0]!.term };
  }).toPass({ timeout: 60_000, intervals: [250] });
  return reign;
}

/** The server's first answer on a raw socket after `frame` (or the close), frames it sent before excepted. */
function firstAnswer(socket: WebSocket, skip: (frame: { type?: string }) => boolean): Promise<Record<string, unknown> | { closed: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the server')), ANSWER_TIMEOUT_MS);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      if (skip(frame)) return;
      clearTimeout(timer);
      resolve(frame);
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve({ closed: code });
    });
  });
}

/**
 * Joins /signal under `victim`'s id as soon as the socket opens, with a key of its own signing a
 * nonce of its own (it cannot know the server's); resolves with the server's answer, the
 * challenge excepted. (Before joins were proven, the server took such a join as the victim's.)
 */
async function spoofJoin(baseURL: string, colony: string, victim: string, hangUp: boolean): Promise<unknown> {
  const socket = new WebSocket(new URL(SIGNAL_PATH, baseURL.replace(/^http/, 'ws')));
  socket.on('error', () => {});
  const answer = firstAnswer(socket, (frame) => frame.type === 'challenge');
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'join', colony, bee: victim, ...proveJoin(createIdentity(), colony, 'n'.repeat(43)) }));
  if (!hangUp) return answer;
  socket.close();
  return 'hung up';
}

/** Opens a PeerJS socket under `victim`'s id with a token of its own choosing; resolves with the answer. */
function squatPeerJs(baseURL: string, victim: string): Promise<unknown> {
  const url = new URL(`/peerjs/peerjs?key=peerjs&id=${victim}&token=squatter&version=1.5.5`, baseURL.replace(/^http/, 'ws'));
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  return firstAnswer(socket, () => false);
}

test('an outsider joining under the queen’s id changes nothing: same queen, same term, her links and socket kept', async ({ openBees, colony, baseURL }) => {
  const pages = await openBees(COLONY_SIZE);
  const ids = await Promise.all(pages.map(beeId));
  const { queen, term } = await awaitQueen(pages);
  const queenPage = pages[ids.indexOf(queen)]!;
  const neighboursBefore = (await snapshots(pages)).map((snap) => snap.neighbours.includes(queen) || snap.id === queen);

  expect(await spoofJoin(baseURL!, colony, queen, true)).toBe('hung up');
  expect(await spoofJoin(baseURL!, colony, queen, false)).toMatchObject({ type: 'error', code: 'ERR_BAD_PROOF' });
  expect(await squatPeerJs(baseURL!, queen)).toEqual({ type: 'ERROR', payload: { msg: 'Invalid token provided' } });
  // Every spoofing socket is gone from the server: whatever it was going to announce, it has.
  await expect.poll(async () => ((await (await fetch(new URL('/health', baseURL))).json()) as { connections: number }).connections).toBeLessThanOrEqual(COLONY_SIZE);

  // A message through the queen after the attack: anything the server told the tabs came first.
  const worker = pages.find((page) => page !== queenPage)!;
  const body = `after the spoof ${colony}`;
  await worker.evaluate((text) => (window as unknown as HiveWindow).hive.broadcast(text), body);
  for (const page of pages.filter((page) => page !== worker)) {
    await expect.poll(async () => (await inbox(page)).filter((entry) => entry.body === body).length).toBe(1);
  }
  const after = await snapshots(pages);
  for (const snap of after) expect({ id: snap.id, queen: snap.queen, term: snap.term }).toEqual({ id: snap.id, queen, term });
  expect(after.map((snap) => snap.neighbours.includes(queen) || snap.id === queen)).toEqual(neighboursBefore);
  const problems = await queenPage.evaluate(() => (window as unknown as ProblemWindow).hive.problems);
  expect(problems.filter((text) => text.includes('ERR_ID_TAKEN'))).toEqual([]);
});
