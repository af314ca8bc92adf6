import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world';
import { beesOn, beesThatFit, drawnAs, hivesOnly, LOOSE_BEES } from './aggregate';
import { graphFromWorld } from './from-world';
import type { MapGraph } from './graph';
import { ForceLayout } from './layout';

const [Q1, Q2, W1, W2, W3, E, C] = ['q1', 'q2', 'w1', 'w2', 'w3', 'e', 'c'];

const colony: MapGraph = {
  nodes: [
    { id: Q1, role: 'queen', hive: Q1 },
    { id: W1, role: 'worker', hive: Q1 },
    { id: W2, role: 'worker', hive: Q1, self: true },
    { id: Q2, role: 'queen', hive: Q2 },
    { id: W3, role: 'worker', hive: Q2 },
    { id: E, role: 'egg', hive: null },
    // An orphan still naming a queen who is gone counts as a bee in no hive.
    { id: C, role: 'candidate', hive: 'gone' },
  ],
  links: [
    { source: W1, target: Q1, kind: 'hive' },
    { source: Q1, target: Q2, kind: 'court' },
    { source: E, target: W3, kind: 'neighbour' },
  ],
};

describe('the map at scale', () => {
  it('draws each hive as one node with its bee count, the court between them and the bees in no hive as one count', () => {
    const hives = hivesOnly(colony);
    expect(hives.byHive).toBe(true);
    expect(hives.nodes).toEqual([
      { id: Q1, role: 'queen', hive: Q1, bees: 3, self: true },
      { id: Q2, role: 'queen', hive: Q2, bees: 2 },
      { id: LOOSE_BEES, role: 'egg', hive: null, bees: 2 },
    ]);
    expect(hives.links).toEqual([{ source: Q1, target: Q2, kind: 'court' }]);
    expect(beesOn(hives)).toBe(beesOn(colony));
  });

  it('leaves a map of hives as it is', () => {
    const hives = hivesOnly(colony);
    expect(hivesOnly(hives)).toBe(hives);
  });

  it('draws a colony that fits the map bee by bee, and one that does not as hives', () => {
    expect(drawnAs(colony, colony.nodes.length)).toBe(colony);
    expect(drawnAs(colony, colony.nodes.length - 1).byHive).toBe(true);
    expect(drawnAs(colony, Infinity)).toBe(colony);
  });

  it('counts every live bee of a simulated colony in exactly one hive or among the loose', () => {
    const world = new World({ seed: 9 });
    for (let i = 0; i < 30; i++) world.addBee();
    world.runFor(20_000);
    const graph = graphFromWorld(world, { neighbourLinks: true });
    const hives = hivesOnly(graph);
    expect(beesOn(hives)).toBe(world.liveIds().length);
    expect(hives.nodes.filter((node) => node.role === 'queen')).toHaveLength(graph.nodes.filter((node) => node.role === 'queen').length);
    expect(hives.links.every((link) => link.kind === 'court')).toBe(true);
  });

  it('gives the layout a hive’s new bee count without waking it', () => {
    const layout = new ForceLayout();
    layout.update(hivesOnly(colony));
    while (layout.step());
    const grown = hivesOnly({ ...colony, nodes: [...colony.nodes, { id: 'w4', role: 'worker', hive: Q2 }] });
    expect(layout.update(grown)).toBe(false);
    expect(layout.nodes.get(Q2)?.bees).toBe(3);
  });

  it('fits bees by the area of the map, fewer when drawn big for the projector', () => {
    expect(beesThatFit(0, 0)).toBe(0);
    const desktop = beesThatFit(830, 560);
    // A /sim map on a 1280 × 720 window draws its 500 bees one by one; a phone's map about a class.
    expect(desktop).toBeGreaterThan(500);
    expect(beesThatFit(340, 300)).toBeGreaterThan(60);
    expect(beesThatFit(830, 560, true)).toBeLessThan(desktop / 2);
  });
});
