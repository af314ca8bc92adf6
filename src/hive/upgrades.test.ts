// Upgrades in the simulated world: neighbour to neighbour before there is a queen, through the
// queen after. Only the founder's configs are taken, and only the next version: never a jump,
// never another bee's, never an older one back; a bee that missed versions walks them in order.
import { describe, expect, it } from 'vitest';
import { World } from '../sim/world';
import { DEFAULT_CONFIG, Effects, noCounters, type HiveConfig, type Upgrade } from './events';
import { MAX_HOPS, type UpgradeFrame } from './frames';
import { Links } from './links';
import { seededRng } from './rng';
import { MAX_VERSION, Upgrades } from './upgrades';

function colony(size: number, seed: number, elections: boolean, config: Partial<HiveConfig> = {}): World {
  const world = new World({ seed, config: { elections, capacity: 16, ...config } });
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  world.runFor(15_000);
  return world;
}

const snap = (world: World, id: string) => world.bees.get(id)!.protocol.snapshot();
const versions = (world: World) => world.liveIds().map((id) => snap(world, id).upgrade?.version ?? 0);
const refused = (world: World, id: string) => snap(world, id).counters.upgradesRefused;
/** What the driver hands the core: the signer it checked, and a signature telling configs apart. */
const config = (by: string, version: number, variant = '') => ({ colour: '#1d4ed8', note: `v${version}${variant}`, by, sig: `${by}/${version}${variant}` });
const seed = (world: World, id: string, version: number) => world.schedule(id, { type: 'seed', version, config: config(id, version) }, 0);
/** A config frame written on the link from `from` to `to`, whoever signed it. */
function hand(world: World, from: string, to: string, version: number, by: string, variant = ''): void {
  const frame: UpgradeFrame = { t: 'up', version, config: config(by, version, variant), route: [by === from ? from : by, from].filter((bee, i, all) => all.indexOf(bee) === i) };
  world.schedule(to, { type: 'frame', peer: from, frame }, 0);
}
/** Hands the frame to every neighbour of `from`. */
const handAround = (world: World, from: string, version: number, by: string, variant = '') => {
  const neighbours = [...world.neighboursOf(from)];
  for (const to of neighbours) hand(world, from, to, version, by, variant);
  return neighbours;
};

describe('upgrades', () => {
  it('spread hop by hop in discovery mode: every route step is a link, and every bee ends on it', () => {
    const world = colony(12, 41, false);
    const ids = world.liveIds();
    expect(ids.every((id) => snap(world, id).queen === null)).toBe(true);
    seed(world, ids[0]!, 1);
    world.runFor(5000);
    for (const id of ids) {
      const { upgrade, neighbours, founder } = snap(world, id);
      expect(upgrade?.version).toBe(1);
      expect(founder).toBe(ids[0]);
      expect(upgrade!.route[0]).toBe(ids[0]);
      expect(upgrade!.route.at(-1)).toBe(id);
      if (upgrade!.route.length > 1) expect(neighbours).toContain(upgrade!.route.at(-2));
    }
    expect(Math.max(...ids.map((id) => snap(world, id).upgrade!.route.length))).toBeGreaterThan(2);
  });

  it('goes up to the queen and out from her in queen mode', () => {
    const world = colony(8, 42, true);
    const ids = world.liveIds();
    const queen = ids.find((id) => snap(world, id).role === 'queen')!;
    const seeder = ids.find((id) => id !== queen)!;
    seed(world, seeder, 1);
    world.runFor(3000);
    for (const id of ids.filter((id) => id !== seeder)) {
      expect(snap(world, id).upgrade?.route).toEqual(id === queen ? [seeder, queen] : [seeder, queen, id]);
    }
  });

  it("refuses the next version signed by a bee that is not the founder, on every link it is written on, and in the bee's own seed", () => {
    const world = colony(6, 43, true);
    const [founder, mallory] = world.liveIds() as [string, string];
    seed(world, founder, 1);
    world.runFor(3000);
    const victims = handAround(world, mallory, 2, mallory);
    seed(world, mallory, 2);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(1));
    for (const victim of [...victims, mallory]) expect(refused(world, victim)).toBeGreaterThan(0);
    // Upgrades are not dead: the founder's next version still reaches everyone.
    seed(world, founder, 2);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(2));
  });

  it('never takes a jump, not even from the founder, and the next version after it still spreads', () => {
    const world = colony(6, 44, true);
    const [founder, relay] = world.liveIds() as [string, string];
    seed(world, founder, 1);
    world.runFor(3000);
    const victims = handAround(world, relay, Number.MAX_SAFE_INTEGER, founder);
    handAround(world, relay, 50, founder);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(1));
    for (const victim of victims) expect(refused(world, victim)).toBe(2);
    seed(world, founder, 2);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(2));
  });

  it('keeps a version that came early until the one before it comes, then takes both in order', () => {
    const world = colony(6, 45, true);
    const [founder] = world.liveIds() as [string];
    seed(world, founder, 1);
    world.runFor(3000);
    // Version 3 overtakes version 2 on the way to a neighbour (links may reorder); another bee's
    // version 3, there first, does not keep the founder's out.
    const [early, mallory] = [...world.neighboursOf(founder)] as [string, string];
    hand(world, founder, early, 3, mallory);
    hand(world, founder, early, 3, founder);
    world.runFor(3000);
    expect(snap(world, early).upgrade?.version).toBe(1);
    seed(world, founder, 2);
    world.runFor(3000);
    expect(snap(world, early).upgrade?.version).toBe(3);
    seed(world, founder, 3);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(3));
    for (const id of world.liveIds()) expect(snap(world, id).counters.upgrades).toBe(3);
  });

  it('a replayed older version changes nothing, and another config of a version it has is refused', () => {
    const world = colony(6, 46, true);
    const [founder, relay] = world.liveIds() as [string, string];
    for (const version of [1, 2, 3]) {
      seed(world, founder, version);
      world.runFor(3000);
    }
    const victims = handAround(world, relay, 1, founder);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(3));
    for (const victim of victims) expect(refused(world, victim)).toBe(0);
    handAround(world, relay, 2, founder, ' rewritten');
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(3));
    for (const victim of victims) {
      expect(refused(world, victim)).toBe(1);
      expect(snap(world, victim).upgrade?.config.note).toBe('v3');
    }
  });

  it('without a pin each bee keeps the first genesis it took; a conflicting one and its successors are refused', () => {
    const world = colony(6, 47, true);
    const [founder, rival, relay] = world.liveIds() as [string, string, string];
    seed(world, founder, 1);
    world.runFor(3000);
    const victims = handAround(world, relay, 1, rival);
    handAround(world, relay, 2, rival);
    seed(world, rival, 1);
    world.runFor(3000);
    expect(world.liveIds().map((id) => snap(world, id).founder)).toEqual(Array(6).fill(founder));
    expect(world.liveIds().map((id) => snap(world, id).upgrade?.config.by)).toEqual(Array(6).fill(founder));
    for (const victim of [...victims, rival]) expect(refused(world, victim)).toBeGreaterThan(0);
  });

  it('a genesis taken on first use does not let in a later version another bee signed that came before it', () => {
    const world = colony(6, 50, true);
    const [founder, mallory, relay] = world.liveIds() as [string, string, string];
    const victims = handAround(world, relay, 2, mallory);
    world.runFor(3000);
    seed(world, founder, 1);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(1));
    for (const victim of victims) expect(refused(world, victim)).toBe(1);
  });

  it('a pinned founder is the only one whose genesis is taken, even by a bee that has none yet', () => {
    const pinned = 'f0'.repeat(16);
    const world = colony(6, 48, true, { founder: pinned });
    const [squatter, relay] = world.liveIds() as [string, string];
    expect(snap(world, squatter).founder).toBe(pinned);
    seed(world, squatter, 1);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(0));
    handAround(world, relay, 1, pinned);
    hand(world, [...world.neighboursOf(relay)][0]!, relay, 1, pinned);
    world.runFor(3000);
    expect(versions(world)).toEqual(Array(6).fill(1));
    expect(world.liveIds().map((id) => snap(world, id).upgrade?.config.by)).toEqual(Array(6).fill(pinned));
  });

  it('a bee cut off while versions went by, and one that joins late, walk every version in order', () => {
    const world = colony(8, 49, true);
    const ids = world.liveIds();
    const [founder] = ids as [string];
    const away = ids.find((id) => id !== founder && snap(world, id).role !== 'queen')!;
    seed(world, founder, 1);
    world.runFor(3000);
    world.split([ids.filter((id) => id !== away), [away]]);
    for (let version = 2; version <= 40; version++) {
      seed(world, founder, version);
      world.runFor(200);
    }
    world.runFor(3000);
    expect(snap(world, away).upgrade?.version).toBe(1);
    world.heal();
    const late = world.addBee();
    world.runFor(20_000);
    expect(versions(world)).toEqual(Array(9).fill(40));
    expect(snap(world, away).counters.upgrades).toBe(40);
    expect(snap(world, late).counters.upgrades).toBe(40);
    expect(world.bees.get(late)!.disk.upgrades!.map((upgrade) => upgrade.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('the upgrades part on its own', () => {
  const [self, peer, founder] = ['a1'.repeat(16), 'b2'.repeat(16), 'c3'.repeat(16)];
  const chainOf = (by: string, last: number): Upgrade[] => Array.from({ length: last }, (_, i) => ({ version: i + 1, config: config(by, i + 1), route: [by] }));
  const discovery = { isQueen: false, queen: null };

  function part(restored: readonly Upgrade[], pin: string | null = null) {
    const fx = new Effects();
    const links = new Links(self, DEFAULT_CONFIG, seededRng(1), fx, () => false);
    links.opened(peer, 0, () => true);
    const counters = noCounters();
    const upgrades = new Upgrades(self, pin, links, fx, counters, restored);
    const frames = () => fx.take().flatMap((effect) => (effect.type === 'send' && effect.frame.t === 'up' ? [effect.frame] : []));
    const sent = () => frames().map((frame) => frame.version);
    return { upgrades, link: links.get(peer)!, counters, sent, frames };
  }

  it('a colony has at most MAX_VERSION versions: the founder\'s next one after that is refused', () => {
    const { upgrades, counters } = part(chainOf(founder, MAX_VERSION));
    upgrades.offer({ version: MAX_VERSION + 1, config: config(founder, MAX_VERSION + 1), route: [founder] }, discovery);
    expect(upgrades.version).toBe(MAX_VERSION);
    expect(counters.upgradesRefused).toBe(1);
  });

  it('forgets a kept chain whose signer is not the founder the join link now pins', () => {
    expect(part(chainOf(founder, 3), founder).upgrades.version).toBe(3);
    const pinnedElsewhere = part(chainOf(founder, 3), peer).upgrades;
    expect([pinnedElsewhere.version, pinnedElsewhere.founder]).toEqual([0, peer]);
  });

  it('hands a link that lags the versions it misses in order, and offers them again when it reports no progress', () => {
    const { upgrades, link, sent } = part(chainOf(founder, 5));
    upgrades.heard(link, 2);
    upgrades.spread(discovery);
    expect(sent()).toEqual([3, 4, 5]);
    upgrades.spread(discovery);
    expect(sent()).toEqual([]);
    // Its next heartbeat still says 2: what we pushed was lost.
    upgrades.heard(link, 2);
    upgrades.spread(discovery);
    expect(sent()).toEqual([3, 4, 5]);
  });

  it('hands nothing to a link that runs another founder\'s configs', () => {
    const { upgrades, link, sent } = part(chainOf(founder, 5));
    upgrades.heard(link, 1);
    link.founder = peer;
    upgrades.spread(discovery);
    expect(sent()).toEqual([]);
  });

  it('hands nothing to a link further behind than the oldest version it kept (that would be a jump)', () => {
    const { upgrades, link, sent } = part(chainOf(founder, 5).slice(2));
    upgrades.heard(link, 1);
    upgrades.spread(discovery);
    expect(sent()).toEqual([]);
    upgrades.heard(link, 2);
    upgrades.spread(discovery);
    expect(sent()).toEqual([3, 4, 5]);
  });

  it('passes on a long route as the seeder and the latest hops, so that the next bee can add itself', () => {
    const hops = Array.from({ length: MAX_HOPS + 1 }, (_, i) => i.toString(16).padStart(2, '0').repeat(16));
    const { upgrades, frames } = part([{ version: 1, config: config(founder, 1), route: [founder, ...hops.slice(1)] }]);
    upgrades.spread(discovery);
    const [frame] = frames();
    expect(frame!.route).toHaveLength(MAX_HOPS);
    expect(frame!.route[0]).toBe(founder);
    expect(frame!.route.at(-1)).toBe(hops.at(-1));
  });
});
