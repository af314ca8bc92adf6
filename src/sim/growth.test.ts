// Colony growth in the simulator: breeding when a hive outgrows its queen, merging small hives,
// several queens lost at once, and a colony whose signaling server goes away.
import { describe, expect, it } from 'vitest';
import type { Payload } from '../hive/frames';
import { InvariantChecker } from './invariants';
import { settledHives } from './run';
import { World } from './world';

const CAPACITY = 6;

function grow(bees: number, seed: number): { world: World; checker: InvariantChecker } {
  const world = new World({ seed, config: { capacity: CAPACITY } });
  const checker = new InvariantChecker(world);
  for (let i = 0; i < bees; i++) {
    world.addBee();
    world.runFor(50);
  }
  return { world, checker };
}

/** Runs until the hives settle (invariants 2 and 3), at most `limitMs`; the checker must agree. */
function settle(world: World, checker: InvariantChecker, limitMs = 60_000): number {
  const until = world.now + limitMs;
  while (settledHives(world) === null && world.now < until) world.runFor(250);
  checker.checkSettled(CAPACITY);
  expect(checker.violations).toEqual([]);
  return settledHives(world) as number;
}

const queens = (world: World) => world.liveIds().filter((id) => world.bees.get(id)!.role === 'queen');
const total = (world: World, counter: 'splits' | 'merges') =>
  [...world.bees.values()].reduce((sum, bee) => sum + bee.protocol.snapshot().counters[counter], 0);

/**
 * A crowd of eggs arriving `gapMs` apart (seed 1), settled into hives: how many hives, and how many
 * frames carrying envelopes of `kind` the colony sent per bee on the way.
 */
function crowdCost(kind: Payload['k'], bees: number, gapMs: number): { hives: number; perBee: number } {
  const world = new World({ seed: 1, config: { capacity: CAPACITY } });
  const checker = new InvariantChecker(world);
  let frames = 0;
  world.tap = (_from, _to, frame) => {
    if (frame.t === 'env' && frame.p.k === kind) frames++;
  };
  for (let i = 0; i < bees; i++) {
    world.addBee();
    world.runFor(gapMs);
  }
  return { hives: settle(world, checker), perBee: frames / bees };
}

describe('colony growth', () => {
  it('a crowd of eggs bred into hives at once costs a few claims per bee: a bred queen tells hers over her links', () => {
    const bees = 150;
    const { hives, perBee } = crowdCost('queen', bees, 5);
    expect(hives).toBeGreaterThanOrEqual(Math.ceil(bees / (CAPACITY + 1)));
    // Each of some 30 bred queens flooding her claim two hops cost about 50 claims per bee.
    expect(perBee).toBeLessThan(12);
  });

  it('a queen tells her workers’ addresses along the court, and holds back those it has no way for yet', () => {
    // Flooded while the court table was still filling, they cost 3–3.5 frames per bee.
    expect(crowdCost('here', 400, 2).perBee).toBeLessThan(2.5);
  });

  it('a colony outgrowing one queen breeds new ones until every hive is within capacity', () => {
    const { world, checker } = grow(40, 31);
    const hives = settle(world, checker);
    expect(hives).toBeGreaterThanOrEqual(Math.ceil(40 / (CAPACITY + 1)));
    expect(total(world, 'splits')).toBeGreaterThan(0);
  });

  it('an heir whose breed was lost is bred again: its movers follow a queen crowned to the hive they moved to', () => {
    const world = new World({ seed: 3, config: { capacity: CAPACITY } });
    const checker = new InvariantChecker(world);
    let lost: { heir: string; hive: string } | null = null;
    world.loseFrame = (_from, _to, frame) => {
      if (lost !== null || frame.t !== 'env' || frame.p.k !== 'breed' || frame.to === null) return false;
      lost = { heir: frame.to, hive: frame.p.membership.hive };
      return true;
    };
    const crowned: string[] = [];
    const watch = world.observer!;
    world.observer = (bee, effect, now) => {
      if (effect.type === 'roleChanged' && effect.role === 'queen') crowned.push(`${bee.id} ${effect.hive}`);
      watch(bee, effect, now);
    };
    for (let i = 0; i < 12; i++) {
      world.addBee();
      world.runFor(50);
    }
    settle(world, checker);
    expect(lost).not.toBeNull();
    const { heir, hive } = lost!;
    expect(crowned).toContain(`${heir} ${hive}`);
    checker.checkFollowedQueens();
    expect(checker.violations).toEqual([]);
  });

  it("a queen who bred drops from her hive's membership the workers who moved", () => {
    for (const seed of [1, 2, 3, 4]) {
      const { world, checker } = grow(32, seed);
      settle(world, checker);
      world.runFor(10_000);
      for (const queen of queens(world)) {
        const snap = world.bees.get(queen)!.protocol.snapshot();
        // Her own word on where they work: a bee she bred off said so in its heartbeats, on a link since closed.
        const strays = snap.membership!.members.filter((bee) => bee !== queen && world.bees.get(bee)!.queen !== queen);
        expect([queen, strays]).toEqual([queen, []]);
      }
    }
  });

  it('hives that shrink merge into one with room to spare, and nothing oscillates afterwards', () => {
    const { world, checker } = grow(24, 32);
    settle(world, checker);
    // Most workers leave: the hives left are small enough to merge.
    const workers = world.liveIds().filter((id) => world.bees.get(id)!.role === 'worker');
    for (const id of workers.slice(0, workers.length - 3)) world.closeBee(id);
    const before = queens(world).length;
    world.runFor(20_000);
    settle(world, checker);
    expect(total(world, 'merges')).toBeGreaterThan(0);
    expect(queens(world).length).toBeLessThan(before);
    // Settled means settled: ten more quiet seconds change no hive.
    const layout = () => queens(world).map((q) => `${q}:${world.bees.get(q)!.protocol.hiveView().workers.join(',')}`).join(' ');
    const settledLayout = layout();
    world.runFor(10_000);
    expect(layout()).toBe(settledLayout);
  });

  it('a queen of one hive among several abdicates: her chosen worker takes her hive at once', () => {
    const { world, checker } = grow(24, 35);
    settle(world, checker);
    const queen = queens(world)[0]!;
    const hive = [queen, ...world.bees.get(queen)!.protocol.hiveView().workers];
    world.schedule(queen, { type: 'abdicate', ref: 7 }, 0);
    world.runFor(2000);
    expect(world.bees.get(queen)!.settled).toEqual([expect.objectContaining({ ref: 7, ok: true })]);
    const successor = world.bees.get(queen)!.queen!;
    expect(hive).toContain(successor);
    expect(world.bees.get(successor)!.role).toBe('queen');
    settle(world, checker);
  });

  it('when several queens die at once their orphans crown successors or join hives with room', () => {
    const { world, checker } = grow(40, 33);
    settle(world, checker);
    for (const queen of queens(world).slice(0, 3)) world.crashBee(queen);
    expect(settledHives(world)).toBeNull();
    settle(world, checker);
  });

  it('without the signaling server the colony still re-elects; newcomers wait until it returns', () => {
    const { world, checker } = grow(20, 34);
    settle(world, checker);
    world.signaling = false;
    const [lost] = queens(world);
    world.crashBee(lost!);
    settle(world, checker);
    expect(queens(world)).not.toContain(lost);
    const newcomer = world.addBee();
    world.runFor(10_000);
    expect(world.bees.get(newcomer)!.protocol.snapshot().neighbours).toEqual([]);
    world.crashBee(newcomer);
    world.signaling = true;
    const late = world.addBee();
    settle(world, checker);
    expect(world.bees.get(late)!.queen).not.toBeNull();
  });

  it('without the signaling server, a newcomer whose dial to its new queen is lost keeps its links and reaches her over them', () => {
    const { world, checker } = grow(5, 1);
    settle(world, checker);
    const newcomer = world.addBee();
    const member = () => world.bees.get(newcomer)!.protocol.snapshot().membership?.members.includes(newcomer) === true;
    while (settledHives(world) === null || !member()) world.runFor(50);
    world.signaling = false;
    const [queen] = queens(world);
    const heir = world.bees.get(queen!)!.protocol.snapshot().heir!;
    // Not yet linked to the heir (named in two beats), it reaches her only through the other workers.
    expect(world.neighboursOf(newcomer).has(heir)).toBe(false);
    world.loseNextDial(newcomer, heir);
    world.crashBee(queen!);
    settle(world, checker);
    expect(world.bees.get(newcomer)!.queen).toBe(heir);
  });
});
