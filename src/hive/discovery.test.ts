// Discovery mode (no queen yet): scenarios over the deterministic simulated world.
import { describe, expect, it } from 'vitest';
import { World } from '../sim/world';

/** Discovery mode is the colony before any bee is fed royal jelly: no candidacy in these runs. */
const NO_ELECTIONS = { electionMinMs: 1e12 };

function colony(size: number, seed = 1, loss = 0): World {
  const world = new World({ seed, loss, config: NO_ELECTIONS });
  for (let i = 0; i < size; i++) {
    world.addBee();
    world.runFor(50);
  }
  world.runFor(10_000);
  return world;
}

const inboxBodies = (world: World, id: string) => world.bees.get(id)?.inbox.map((m) => m.body) ?? [];

describe('discovery mode', () => {
  it('links every bee to a few neighbours, not a full mesh, and fills every roster', () => {
    const world = colony(30);
    const ids = world.liveIds();
    for (const id of ids) {
      const snap = world.bees.get(id)!.protocol.snapshot();
      expect(snap.neighbours.length).toBeGreaterThanOrEqual(1);
      expect(snap.neighbours.length).toBeLessThanOrEqual(6);
      expect(snap.roster).toHaveLength(30);
      expect(snap.role).toBe('worker');
    }
    expect(world.linkCount()).toBeLessThan((30 * 29) / 2 / 4);
  });

  it('delivers a broadcast to every other bee exactly once, dropping duplicates', () => {
    const world = colony(30);
    const [sender, ...others] = world.liveIds() as [string, ...string[]];
    world.send(sender, null, 'hello hive', 1);
    world.runFor(2000);
    for (const id of others) expect(inboxBodies(world, id)).toEqual(['hello hive']);
    expect(inboxBodies(world, sender)).toEqual([]);
    const duplicates = world.liveIds().reduce((sum, id) => sum + world.bees.get(id)!.protocol.snapshot().counters.duplicates, 0);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('finds a bee that is not a neighbour over several hops and hears its acknowledgement', () => {
    const world = colony(30, 2);
    const [sender] = world.liveIds() as [string];
    const neighbours = world.bees.get(sender)!.protocol.snapshot().neighbours;
    const target = world.liveIds().find((id) => id !== sender && !neighbours.includes(id))!;
    world.send(sender, target, { n: 1 }, 7);
    world.runFor(2000);
    const [delivered] = world.bees.get(target)!.inbox;
    expect(delivered?.from).toBe(sender);
    expect(delivered?.route[0]).toBe(sender);
    expect(delivered?.route.at(-1)).toBe(target);
    expect(delivered!.route.length).toBeGreaterThanOrEqual(3);
    expect(world.bees.get(sender)!.settled).toEqual([expect.objectContaining({ ref: 7, ok: true })]);
  });

  it('retransmits through a lossy network and still delivers exactly once', () => {
    const world = colony(12, 3, 0.3);
    const [sender, ...others] = world.liveIds() as [string, ...string[]];
    for (const [i, target] of others.entries()) world.send(sender, target, `m${i}`, i + 1);
    world.runFor(30_000);
    const settled = world.bees.get(sender)!.settled;
    expect(settled.filter((s) => s.ok)).toHaveLength(others.length);
    for (const [i, target] of others.entries()) expect(inboxBodies(world, target)).toEqual([`m${i}`]);
  });

  it('removes a closed tab from every roster at once and a crashed one after the roster timeout', () => {
    const world = colony(12, 4);
    const [closed, crashed] = world.liveIds() as [string, string];
    world.closeBee(closed);
    world.runFor(1000);
    for (const id of world.liveIds()) expect(world.bees.get(id)!.protocol.snapshot().roster).not.toContain(closed);
    world.crashBee(crashed);
    world.runFor(12_000);
    for (const id of world.liveIds()) {
      const snap = world.bees.get(id)!.protocol.snapshot();
      expect(snap.roster).not.toContain(crashed);
      expect(snap.neighbours).not.toContain(crashed);
    }
  });

  it('tells the sender visibly when a message cannot be delivered', () => {
    const world = colony(4, 5);
    world.send(world.liveIds()[0]!, 'deadbeefdeadbeef', 'anyone?', 9);
    world.runFor(30_000);
    expect(world.bees.get(world.liveIds()[0]!)!.settled).toEqual([expect.objectContaining({ ref: 9, ok: false })]);
  });
});
