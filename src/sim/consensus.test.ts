// One hive, one queen: the attacks and accidents that broke it before hive membership was
// committed and authority certified, scripted in the simulated world. Each of these failed on the
// protocol that counted heads (see docs/protocol.md, "Why two queens cannot share a term").
import { describe, expect, it } from 'vitest';
import type { Seal } from '../hive/certificate';
import type { Envelope, Payload } from '../hive/frames';
import { founding } from '../hive/membership';
import { settledHives } from './run';
import { World } from './world';

/** Every reign anyone was crowned to, as (hive, term) → queens: one queen each, or the run is broken. */
function watchReigns(world: World): Map<string, Set<string>> {
  const reigns = new Map<string, Set<string>>();
  world.observer = (bee, effect) => {
    if (effect.type !== 'roleChanged' || effect.role !== 'queen') return;
    const key = `${effect.hive} ${effect.reign}`;
    reigns.set(key, (reigns.get(key) ?? new Set()).add(bee.id));
  };
  return reigns;
}

const shared = (reigns: Map<string, Set<string>>) => [...reigns].filter(([, queens]) => queens.size > 1).map(([reign, queens]) => `${reign}: ${[...queens].join(', ')}`);

function colony(size: number, seed: number, world = new World({ seed })): World {
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  for (let waited = 0; settledHives(world) !== 1 && waited < 30_000; waited += 250) world.runFor(250);
  expect(settledHives(world)).toBe(1);
  world.runFor(3000); // the queen's restamped membership is committed
  return world;
}

const queenOf = (world: World) => world.liveIds().find((id) => world.bees.get(id)!.role === 'queen')!;
const snap = (world: World, id: string) => world.bees.get(id)!.protocol.snapshot();

let sent = 0;
/** An envelope `from` signs and sends on its link to `to` (the simulator hands it over as arrived). */
function inject(world: World, from: string, to: string, p: Payload): void {
  const env: Envelope = { t: 'env', id: (++sent).toString(16).padStart(16, 'e'), from, to: null, ttl: 2, route: [from], p };
  world.schedule(to, { type: 'frame', peer: from, frame: env }, 1);
}

describe('one hive, one queen', () => {
  it('a queen cut off with a minority, and then lost, is not succeeded by her minority in the majority\'s term', () => {
    const world = colony(7, 41);
    const reigns = watchReigns(world);
    const queen = queenOf(world);
    const workers = world.liveIds().filter((id) => id !== queen);
    const minority = workers.slice(0, 2);
    const majority = workers.slice(2);
    world.split([[queen, ...minority], majority]);
    world.runFor(15_000);
    const heir = majority.find((id) => world.bees.get(id)!.role === 'queen');
    expect(heir, 'the four of seven crown a queen of their own').toBeDefined();
    // Her links to the four have timed out: a head count would now make her hive three bees. She
    // may propose removing one silent member, but three of seven cannot commit it.
    expect(snap(world, queen).neighbours.filter((id) => majority.includes(id))).toEqual([]);
    for (const id of minority) expect(snap(world, id).membership!.members.length).toBeGreaterThanOrEqual(6);
    world.crashBee(queen);
    world.runFor(20_000);
    for (const id of minority) expect(world.bees.get(id)!.role).not.toBe('queen');
    expect(shared(reigns)).toEqual([]);
    world.heal();
    for (let waited = 0; settledHives(world) !== 1 && waited < 60_000; waited += 250) world.runFor(250);
    expect(settledHives(world)).toBe(1);
    expect(shared(reigns)).toEqual([]);
  });

  it('a worker that forges its certificate is followed by nobody, evicted by the queen, and its notices ban nobody', () => {
    const world = colony(6, 42);
    const queen = queenOf(world);
    const hive = snap(world, queen).membership!;
    const rogue = world.liveIds().find((id) => id !== queen)!;
    const honest = world.liveIds().filter((id) => id !== rogue);
    const forged = (bee: string): Seal => ({ bee, pub: bee, sig: '00000000' });
    const membership = { ...hive, term: hive.term + 1, epoch: 0 };
    // Ballots in the names of the whole hive, and a split "by the queen" making it her heir.
    const claims: Payload[] = [
      { k: 'queen', term: 99, membership, authority: { by: 'votes', ballots: membership.members.map(forged) } },
      { k: 'queen', term: 1, membership: founding(hive.hive, hive.members), authority: { by: 'split', seal: forged(queen) } },
    ];
    const linked = snap(world, rogue).neighbours;
    for (const p of claims) for (const peer of linked) inject(world, rogue, peer, p);
    world.runFor(2000);
    for (const id of honest) expect(world.bees.get(id)!.queen).toBe(queen);
    expect(snap(world, queen).conduct.banned.map((ban) => [ban.bee, ban.offence])).toEqual([[rogue, 'usurp']]);
    const victim = honest.find((id) => id !== queen)!;
    for (const peer of linked) inject(world, rogue, peer, { k: 'evict', bee: victim, offence: 'forged', detail: 'framed' });
    world.runFor(2000);
    for (const id of honest) expect(snap(world, id).conduct.banned.map((ban) => ban.bee)).not.toContain(victim);
  });

  it('replays of a former queen\'s own old claims are stale: nobody follows them, and she is not evicted for them', () => {
    // Every claim as its queen signed it, as a bee on the path could record it.
    const claims = new Map<string, Payload>();
    const world = new World({ seed: 43 });
    world.tap = (_from, _to, frame) => {
      if (frame.t === 'env' && frame.p.k === 'queen' && !claims.has(frame.from)) claims.set(frame.from, frame.p);
    };
    colony(6, 43, world);
    const former = queenOf(world);
    const oldClaim = claims.get(former);
    expect(oldClaim).toBeDefined();
    // Her lid closes: her hive elects her successor in a later term of the same hive (an
    // abdication would found a new hive, where her old claims are merely another hive's).
    world.freeze(former, 20_000);
    world.runFor(3000);
    const successor = world.liveIds().find((id) => id !== former && world.bees.get(id)!.role === 'queen')!;
    expect(successor).toBeDefined();
    for (const id of world.liveIds()) {
      if (id === former) continue;
      for (const peer of snap(world, id).neighbours.filter((n) => n !== former)) inject(world, former, peer, oldClaim!);
    }
    world.runFor(2000);
    for (const id of world.liveIds()) if (id !== successor && id !== former) expect(world.bees.get(id)!.queen).toBe(successor);
    for (const id of world.liveIds()) expect(snap(world, id).conduct.banned.map((ban) => `${ban.bee} ${ban.offence} ${ban.detail}`)).toEqual([]);
    expect(world.liveIds().reduce((sum, id) => sum + snap(world, id).counters.stale, 0)).toBeGreaterThan(0);
  });

  it('a queen who lived through a failover hands over at once, and never back to the queen who abdicated', () => {
    const world = colony(8, 44);
    const reigns = watchReigns(world);
    world.crashBee(queenOf(world));
    for (let waited = 0; settledHives(world) !== 1 && waited < 30_000; waited += 100) world.runFor(100);
    world.runFor(3000);
    const abdicating = queenOf(world);
    world.schedule(abdicating, { type: 'abdicate', ref: 9 }, 0);
    world.runFor(1000);
    expect(world.bees.get(abdicating)!.settled).toEqual([expect.objectContaining({ ref: 9, ok: true })]);
    const successor = queenOf(world);
    expect(successor).not.toBe(abdicating);
    world.runFor(5000);
    expect(queenOf(world)).toBe(successor);
    expect(shared(reigns)).toEqual([]);
  });
});
