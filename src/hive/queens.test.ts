// Queen mode: elections, routing through the queen, failover and handover, in the simulated world.
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../sim/invariants';
import { World } from '../sim/world';

// Room for every bee in one hive: these tests are about one queen (hives.test.ts has many).
const CAPACITY = 16;

function colony(size: number, seed: number): { world: World; checker: InvariantChecker } {
  const world = new World({ seed, config: { capacity: CAPACITY } });
  const checker = new InvariantChecker(world);
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(100);
  }
  world.runFor(15_000);
  return { world, checker };
}

const snap = (world: World, id: string) => world.bees.get(id)!.protocol.snapshot();
const queenOf = (world: World) => world.liveIds().filter((id) => snap(world, id).role === 'queen');

describe('queens', () => {
  it('a colony of 8 elects exactly one queen that every worker follows and links to', () => {
    const { world, checker } = colony(8, 11);
    const [queen, ...others] = queenOf(world);
    expect(others).toEqual([]);
    checker.checkSettled(CAPACITY);
    expect(checker.violations).toEqual([]);
    const workers = world.liveIds().filter((id) => id !== queen);
    expect(snap(world, queen!).workers).toEqual([...workers].sort());
    for (const id of workers) expect(snap(world, id).neighbours).toContain(queen);
  });

  it('lists her workers in the same array beat after beat while they hold (a simulated bee compares it by reference), and not at all in her light beats', () => {
    const { world } = colony(8, 11);
    const [queen] = queenOf(world) as [string];
    const lists = new Set<string[]>();
    const beats = { full: 0, light: 0 };
    world.tap = (from, _to, frame) => {
      if (from !== queen || frame.t !== 'hb' || frame.hives[0]?.queen !== queen) return;
      const light = frame.hives.length === 1 && frame.digest.length === 1;
      beats[light ? 'light' : 'full']++;
      if (light) expect(frame.hives[0].workers).toEqual([]);
      else lists.add(frame.hives[0].workers);
    };
    world.runFor(3000);
    world.tap = null;
    expect(lists.size).toBe(1);
    expect([...lists][0]).toEqual(snap(world, queen).workers);
    // Every other beat of hers is light, each told to every worker.
    expect(beats.light).toBeGreaterThan(0);
    expect(Math.abs(beats.full - beats.light)).toBeLessThanOrEqual(snap(world, queen).neighbours.length);
  });

  it('hears no heartbeat that tells her of her own hive (she takes no news of it), while others hear of it', () => {
    const { world } = colony(8, 11);
    const [queen] = queenOf(world) as [string];
    const told = { her: 0, others: 0 };
    world.tap = (_from, to, frame) => {
      if (frame.t === 'hb' && frame.hives.some((hive) => hive.queen === to)) told.her++;
      if (frame.t === 'hb' && to !== queen && frame.hives.some((hive) => hive.queen === queen)) told.others++;
    };
    world.runFor(3000);
    world.tap = null;
    expect(told.her).toBe(0);
    expect(told.others).toBeGreaterThan(0);
  });

  it('routes a worker-to-worker message through the queen: [sender, queen, receiver]', () => {
    const { world } = colony(8, 12);
    const [queen] = queenOf(world) as [string];
    const [a, b] = world.liveIds().filter((id) => id !== queen) as [string, string];
    world.send(a, b, 'via the queen', 1);
    world.runFor(1000);
    expect(world.bees.get(b)!.inbox.map((m) => m.route)).toEqual([[a, queen, b]]);
    expect(world.bees.get(a)!.settled).toEqual([{ type: 'settled', ref: 1, ok: true, route: [b, queen, a] }]);
  });

  it('fans a broadcast out from the queen to every other bee exactly once', () => {
    const { world } = colony(10, 13);
    const [queen] = queenOf(world) as [string];
    const sender = world.liveIds().find((id) => id !== queen)!;
    world.send(sender, null, 'to all', 1);
    world.runFor(1000);
    for (const id of world.liveIds().filter((id) => id !== sender)) {
      const inbox = world.bees.get(id)!.inbox;
      expect(inbox.map((m) => m.body)).toEqual(['to all']);
      if (id !== queen) expect(inbox[0]!.route).toEqual([sender, queen, id]);
    }
  });

  it.each([
    ['closes', (world: World, queen: string) => world.closeBee(queen)],
    ['crashes silently', (world: World, queen: string) => world.crashBee(queen)],
  ])('when the queen %s, the orphans elect a new queen, re-attach, and a message in flight arrives once', (_how, kill) => {
    const { world, checker } = colony(8, 14);
    const [queen] = queenOf(world) as [string];
    const [a, b] = world.liveIds().filter((id) => id !== queen) as [string, string];
    const termBefore = snap(world, a).term;
    kill(world, queen);
    world.send(a, b, 'during failover', 1);
    world.runFor(15_000);
    checker.checkSettled(CAPACITY);
    checker.checkDelivery([{ from: a, to: b, body: 'during failover', ref: 1 }]);
    expect(checker.violations).toEqual([]);
    const [next] = queenOf(world);
    expect(next).not.toBe(queen);
    expect(snap(world, a).term).toBeGreaterThan(termBefore);
    expect(world.bees.get(a)!.settled).toEqual([expect.objectContaining({ ref: 1, ok: true })]);
  });

  it('abdication crowns a worker at once, and messages sent meanwhile are still delivered', () => {
    const { world, checker } = colony(8, 15);
    const [queen] = queenOf(world) as [string];
    const [a, b] = world.liveIds().filter((id) => id !== queen) as [string, string];
    world.schedule(queen, { type: 'abdicate', ref: 99 }, 0);
    world.send(a, b, 'during handover', 1);
    world.runFor(1500);
    const [next] = queenOf(world);
    expect(next).toBeDefined();
    expect(next).not.toBe(queen);
    expect(world.bees.get(queen)!.settled).toEqual([expect.objectContaining({ ref: 99, ok: true })]);
    world.runFor(5000);
    checker.checkSettled(CAPACITY);
    checker.checkDelivery([{ from: a, to: b, body: 'during handover', ref: 1 }]);
    expect(checker.violations).toEqual([]);
  });

  it('a queen who dies moments into her reign, before her hive is described to it, is still replaced', () => {
    for (const seed of [16, 17, 18]) {
      const { world, checker } = colony(8, seed);
      const [queen] = queenOf(world) as [string];
      world.schedule(queen, { type: 'abdicate', ref: 1 }, 0);
      // The moment every bee follows her successor, before her first heartbeat lists her workers.
      let successor: string | undefined;
      const followed = () => successor !== undefined && world.liveIds().every((id) => id === successor || world.bees.get(id)!.queen === successor);
      while (!followed() && world.now < 60_000) {
        world.runFor(10);
        successor = queenOf(world).find((id) => id !== queen);
      }
      expect(followed(), `seed ${seed}: every bee follows the successor`).toBe(true);
      world.crashBee(successor!);
      world.runFor(15_000);
      checker.checkSettled(CAPACITY);
      expect(checker.violations, `seed ${seed}`).toEqual([]);
    }
  });

  it('names one heir and keeps her while she is visible, though bees that opened together trade places in her timing', () => {
    const world = new World({ seed: 19, config: { capacity: CAPACITY } });
    for (let i = 0; i < 8; i++) world.addBee();
    world.runFor(15_000);
    const [queen] = queenOf(world) as [string];
    const named: string[] = [];
    world.tap = (from, _to, frame) => {
      if (from === queen && frame.t === 'hb' && frame.heir !== undefined && named.at(-1) !== frame.heir) named.push(frame.heir);
    };
    world.runFor(20_000);
    expect(named).toHaveLength(1);
    world.schedule(named[0]!, { type: 'visibility', visible: false }, 0);
    world.runFor(3000);
    expect(named).toHaveLength(2);
  });

  it('prefers a visible bee: a hidden tab does not take the throne while visible ones can', () => {
    for (const seed of [21, 22, 23, 24, 25]) {
      const world = new World({ seed, config: { capacity: CAPACITY } });
      const hidden = world.addBee();
      world.schedule(hidden, { type: 'visibility', visible: false }, 0);
      for (let i = 0; i < 5; i++) world.addBee();
      world.runFor(15_000);
      expect(snap(world, hidden).role).toBe('worker');
      expect(queenOf(world)).toHaveLength(1);
    }
  });
});
