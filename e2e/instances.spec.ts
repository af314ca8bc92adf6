// Two server instances sharing colonies through a real redis-server (docs/deploy.md), started by
// this spec next to the suite's own server: tabs of one colony, half opened on each instance and
// signalling there, form one colony with one queen, carry messages across, and when one instance
// is killed its tabs move to the other (`?signal=A,B`) and the colony still grows. Redis dying for
// a while costs the colony nothing either. Runs once per transport.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { freePort, TestRedis } from '../signaling/test-redis.ts';
import { inNetns, lanHost } from './env.ts';
import { beeId, expect, inbox, snapshots, test, type HiveWindow } from './fixtures.ts';

const PER_INSTANCE = 2;
/** One hive: the test is about the colony spanning instances, not about splits. */
const CAPACITY = 8;
const START_TIMEOUT_MS = 30_000;
const host = inNetns && lanHost !== undefined ? lanHost : '127.0.0.1';

let redis: TestRedis;
const instances: { child: ChildProcess; origin: string }[] = [];

async function startInstance(port: number, origins: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['dist-server/main.js'], {
    env: { ...process.env, PORT: String(port), HOST: '0.0.0.0', REDIS_URL: redis.url, ALLOWED_ORIGINS: origins.join(',') },
    stdio: 'ignore',
  });
  await expect
    .poll(() => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false), { timeout: START_TIMEOUT_MS })
    .toBe(true);
  return child;
}

test.beforeAll(async () => {
  redis = await TestRedis.start();
  const ports = [await freePort(), await freePort()];
  const origins = ports.map((port) => `http://${host}:${port}`);
  for (const port of ports) instances.push({ child: await startInstance(port, origins), origin: origins[ports.indexOf(port)]! });
});

test.afterAll(async () => {
  for (const { child } of instances.splice(0)) child.kill('SIGKILL');
  await redis.close();
});

interface Health {
  bees: number;
  peerjs: number;
  backplane: { redis: string; instances?: number };
}

async function health(origin: string): Promise<Health> {
  return (await fetch(`${origin}/health`)).json() as Promise<Health>;
}

/** Waits until every tab follows one queen, who reigns; returns her id. */
async function awaitOneQueen(pages: readonly Page[]): Promise<string> {
  let queen = '';
  await expect(async () => {
    const snaps = await snapshots(pages);
    const queens = snaps.filter((snap) => snap.role === 'queen');
    expect(queens).toHaveLength(1);
    expect(new Set(snaps.map((snap) => snap.queen))).toEqual(new Set([queens[0]!.id]));
    queen = queens[0]!.id;
  }).toPass({ timeout: 60_000, intervals: [250] });
  return queen;
}

async function sendAcross(from: Page, to: Page, body: string): Promise<void> {
  const target = await beeId(to);
  await from.evaluate(([id, text]) => (window as unknown as HiveWindow).hive.send(id!, text), [target, body]);
  await expect.poll(async () => (await inbox(to)).filter((entry) => entry.body === body).length).toBe(1);
}

test('tabs signalling to two instances form one colony with one queen, and survive losing an instance', async ({ openBee, colony, transport, allowConsoleError }) => {
  const [a, b] = instances.map((instance) => instance.origin) as [string, string];
  const open = (origin: string, other: string) =>
    openBee(undefined, { origin, capacity: CAPACITY, params: { signal: `${origin}/,${other}/` } });
  const onA = await Promise.all(Array.from({ length: PER_INSTANCE }, () => open(a, b)));
  const onB = await Promise.all(Array.from({ length: PER_INSTANCE }, () => open(b, a)));
  const pages = [...onA, ...onB];
  expect((await health(a)).backplane).toMatchObject({ redis: 'up', instances: 2 });
  expect([(await health(a)).bees, (await health(b)).bees]).toEqual([PER_INSTANCE, PER_INSTANCE]);

  const queen = await awaitOneQueen(pages);
  await sendAcross(onA[0]!, onB[0]!, `a to b ${colony}`);
  await sendAcross(onB[1]!, onA[1]!, `b to a ${colony}`);

  // Redis dies: both instances say so, and the colony carries on over its links, same queen.
  await redis.stop();
  await expect.poll(async () => (await health(a)).backplane.redis).toBe('down');
  await sendAcross(onA[1]!, onB[1]!, `during the outage ${colony}`);
  expect(await awaitOneQueen(pages)).toBe(queen);
  await redis.restart();
  for (const origin of [a, b]) await expect.poll(async () => (await health(origin)).backplane.instances).toBe(2);

  // Instance A dies without a word; its tabs' sockets to it fail (Chromium logs each attempt).
  allowConsoleError(/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|Lost connection to server|PeerJS/);
  instances[0]!.child.kill('SIGKILL');
  await expect.poll(async () => (await health(b)).bees, { timeout: 30_000 }).toBe(pages.length);
  // PeerJS tabs move their PeerJS connection along: B now relays every tab's PeerJS signals.
  if (transport === 'peerjs') await expect.poll(async () => (await health(b)).peerjs, { timeout: 30_000 }).toBe(pages.length);

  // The colony goes on, and a newcomer signalling only to B joins it and hears from A's tabs.
  const newcomer = await openBee(undefined, { origin: b, capacity: CAPACITY, params: { signal: `${b}/` } });
  const all = [...pages, newcomer];
  await awaitOneQueen(all);
  await sendAcross(onA[0]!, newcomer, `after the loss ${colony}`);
  await sendAcross(newcomer, onA[1]!, `back ${colony}`);
});
