import { describe, expect, it } from 'vitest';
import type { HiveSnapshot } from '../../bee';
import { World } from '../../sim/world';
import { knownColony, type ColonySnapshot } from '../colony';
import { colonyChanges, describeChange } from './changes';
import { flightPosition, HOP_MS, isFlying } from './flights';
import { graphFromSnapshot } from './from-snapshot';
import { graphFromWorld } from './from-world';
import { fitViewport } from './draw';
import { sameGraph } from '../feed';
import { countRoles, type MapGraph } from './graph';
import { ForceLayout } from './layout';

const Q = 'aaaaaaaaaaaaaaaa';
const W1 = 'bbbbbbbbbbbbbbbb';
const W2 = 'cccccccccccccccc';
const X = 'dddddddddddddddd';

function snapshot(fields: Partial<ColonySnapshot>): ColonySnapshot {
  // Only what the map reads; the rest of a snapshot (security, storage…) does not matter here.
  const base = {
    id: W1,
    role: 'worker',
    term: 1,
    queen: Q,
    workers: [],
    neighbours: [],
    roster: [],
    queens: [],
    counters: { framesIn: 0, malformed: 0, duplicates: 0, forwarded: 0, delivered: 0, linksOpened: 0, elections: 0, upgrades: 0, splits: 0, merges: 0 },
    colony: 'test',
    version: 0,
    transport: 'simple-peer',
    signaling: true,
    vote: null,
    outbox: 0,
    storage: { available: false, writes: 0, writeMs: 0, errors: 0 } as HiveSnapshot['storage'],
  } as unknown as HiveSnapshot;
  return { ...base, ...fields };
}

const roleOf = (graph: MapGraph, id: string) => graph.nodes.find((node) => node.id === id)?.role;
const linkKind = (graph: MapGraph, a: string, b: string) =>
  graph.links.find((link) => (link.source === a && link.target === b) || (link.source === b && link.target === a))?.kind;

describe('the colony as one bee knows it', () => {
  it('a queen maps her workers on hive links and nobody else as known', () => {
    const graph = graphFromSnapshot(snapshot({ id: Q, role: 'queen', queen: Q, queens: [Q], workers: [W1, W2], neighbours: [W1, W2, X], roster: [Q, W1, W2, X] }));
    expect(countRoles(graph)).toMatchObject({ queen: 1, worker: 2, unknown: 1 });
    expect(graph.nodes.find((node) => node.self)?.id).toBe(Q);
    expect(linkKind(graph, Q, W1)).toBe('hive');
    expect(linkKind(graph, Q, X)).toBe('neighbour');
    expect(graph.links).toHaveLength(3);
  });

  it('a worker before the growth fields knows its queen and itself; the rest of its roster stays unknown', () => {
    const snap = snapshot({ queens: [Q], neighbours: [Q, W2], roster: [Q, W1, W2, X] });
    expect(knownColony(snap)).toMatchObject({ hive: Q, hives: [{ queen: Q, term: 1, workers: [W1] }], queens: [Q], capacity: null });
    const graph = graphFromSnapshot(snap);
    expect([roleOf(graph, Q), roleOf(graph, W1), roleOf(graph, W2), roleOf(graph, X)]).toEqual(['queen', 'worker', 'unknown', 'unknown']);
    expect(linkKind(graph, W1, Q)).toBe('hive');
    expect(linkKind(graph, W1, W2)).toBe('neighbour');
  });

  it('takes the growth fields as they come: several hives, the court, capacity', () => {
    const Q2 = 'eeeeeeeeeeeeeeee';
    const snap = snapshot({
      id: Q, role: 'queen', queen: Q, queens: [Q, Q2], workers: [W1], neighbours: [W1, Q2], roster: [Q, Q2, W1, W2],
      capacity: 3, hive: Q, court: [Q2],
      hives: [{ queen: Q, hive: Q, beat: 1, term: 1, size: 1, workers: [W1] }, { queen: Q2, hive: Q2, beat: 1, term: 2, size: 1, workers: [W2] }],
    });
    expect(knownColony(snap)).toMatchObject({ capacity: 3, queens: [Q, Q2], court: [Q2] });
    const graph = graphFromSnapshot(snap);
    expect(countRoles(graph)).toMatchObject({ queen: 2, worker: 2, unknown: 0 });
    expect(linkKind(graph, Q, Q2)).toBe('court');
    expect(linkKind(graph, W2, Q2)).toBe('hive');
    expect(graph.nodes.find((node) => node.id === W2)?.hive).toBe(Q2);
  });

  it('makes the same graph from the same colony whatever order the snapshot lists its hives and bees in', () => {
    const Q2 = 'eeeeeeeeeeeeeeee';
    const hiveOf = (queen: string, workers: string[]) => ({ queen, hive: queen, beat: 1, term: 1, size: workers.length, workers });
    const fields = { id: X, role: 'worker' as const, queen: Q, queens: [Q, Q2], capacity: 3 };
    const one = graphFromSnapshot(snapshot({ ...fields, hives: [hiveOf(Q, [W1, X]), hiveOf(Q2, [W2])], roster: [Q, Q2, W1, W2, X], neighbours: [Q, W1] }));
    const other = graphFromSnapshot(snapshot({ ...fields, hives: [hiveOf(Q2, [W2]), hiveOf(Q, [W1, X])], roster: [X, W2, W1, Q2, Q], neighbours: [W1, Q] }));
    expect(sameGraph(one, other)).toBe(true);
    expect(knownColony(snapshot({ ...fields, hives: [hiveOf(Q2, [W2]), hiveOf(Q, [W1, X])] })).hives.map((hive) => hive.queen)).toEqual([Q, Q2]);
  });
});

describe('changes between two pictures of the colony', () => {
  const before: MapGraph = { nodes: [{ id: Q, role: 'queen', hive: Q }, { id: W1, role: 'worker', hive: Q }, { id: W2, role: 'worker', hive: Q }], links: [] };

  it('names a new queen, an emigrant, a departure and an arrival', () => {
    const after: MapGraph = { nodes: [{ id: W1, role: 'queen', hive: W1 }, { id: W2, role: 'worker', hive: W1 }, { id: X, role: 'egg', hive: null }], links: [] };
    const changes = colonyChanges(before, after);
    expect(changes).toEqual([
      { kind: 'hatched', bee: W1 },
      { kind: 'moved', bee: W2, from: Q, to: W1 },
      { kind: 'dethroned', bee: Q },
      { kind: 'joined', bees: [X] },
      { kind: 'left', bees: [Q] },
    ]);
    expect(changes.map(describeChange)[0]).toContain('hatched as a queen');
  });

  it('finds nothing when nothing changed', () => {
    expect(colonyChanges(before, { ...before })).toEqual([]);
  });
});

describe('a message in flight', () => {
  const place = (bee: string) => ({ [Q]: { x: 0, y: 0 }, [W1]: { x: 100, y: 0 }, [W2]: { x: 100, y: 100 } })[bee];
  const flight = { id: 'm', route: [W1, Q, W2], kind: 'message' as const, at: 1000 };

  it('moves one hop per HOP_MS along its route, then lands', () => {
    expect(flightPosition(flight, 1000, place)?.dot).toEqual({ x: 100, y: 0 });
    expect(flightPosition(flight, 1000 + HOP_MS / 2, place)?.dot).toEqual({ x: 50, y: 0 });
    expect(flightPosition(flight, 1000 + HOP_MS * 1.5, place)?.dot).toEqual({ x: 50, y: 50 });
    expect(isFlying(flight, 1000 + HOP_MS * 2 - 1)).toBe(true);
    expect(isFlying(flight, 1000 + HOP_MS * 2)).toBe(false);
  });

  it('skips bees the map does not show', () => {
    const partly = { ...flight, route: [X, Q, W1] };
    expect(flightPosition(partly, 1000, place)?.dot).toEqual({ x: 0, y: 0 });
    expect(flightPosition({ ...flight, route: [X] }, 1000, place)).toBeNull();
  });
});

describe('the layout', () => {
  it('stays at rest when the same colony arrives with its bees and links in another order', () => {
    const layout = new ForceLayout();
    const Q2 = 'eeeeeeeeeeeeeeee';
    const nodes: MapGraph['nodes'] = [{ id: Q, role: 'queen', hive: Q }, { id: W1, role: 'worker', hive: Q }, { id: Q2, role: 'queen', hive: Q2 }, { id: W2, role: 'worker', hive: Q2 }];
    const links: MapGraph['links'] = [{ source: W1, target: Q, kind: 'hive' }, { source: W2, target: Q2, kind: 'hive' }, { source: Q, target: Q2, kind: 'court' }];
    layout.update({ nodes, links });
    while (layout.step());
    expect(layout.update({ nodes: [...nodes].reverse(), links: [...links].reverse() })).toBe(false);
    expect(layout.step()).toBe(false);
  });

  it('keeps bees where they were across updates and comes to rest', () => {
    const layout = new ForceLayout();
    const graph: MapGraph = { nodes: [{ id: Q, role: 'queen', hive: Q }, { id: W1, role: 'worker', hive: Q }], links: [{ source: W1, target: Q, kind: 'hive' }] };
    expect(layout.update(graph)).toBe(true);
    let steps = 0;
    while (layout.step()) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(400);
    const at = { ...layout.nodes.get(W1)! };
    expect(layout.update({ nodes: graph.nodes.map((node) => ({ ...node })), links: [...graph.links] })).toBe(false);
    expect(layout.update({ ...graph, nodes: [...graph.nodes, { id: W2, role: 'worker', hive: Q }] })).toBe(true);
    expect(layout.nodes.get(W1)).toMatchObject({ x: at.x, y: at.y });
    // A newcomer starts beside its queen.
    const queen = layout.nodes.get(Q)!;
    const newcomer = layout.nodes.get(W2)!;
    expect(Math.hypot(newcomer.x - queen.x, newcomer.y - queen.y)).toBeLessThanOrEqual(30);
  });

  it('comes to rest after the same seconds in a tab that draws one frame a second as in one that draws sixty', () => {
    const graph: MapGraph = { nodes: [{ id: Q, role: 'queen', hive: Q }, { id: W1, role: 'worker', hive: Q }, { id: W2, role: 'worker', hive: Q }], links: [] };
    const restsAfterMs = (frameMs: number) => {
      const layout = new ForceLayout();
      layout.update(graph);
      let ms = 0;
      while (layout.step(frameMs)) ms += frameMs;
      return ms;
    };
    const smooth = restsAfterMs(1000 / 60);
    expect(smooth).toBeGreaterThan(1_000);
    expect(restsAfterMs(1_000)).toBeLessThanOrEqual(smooth + 1_000);
  });
});

describe('the viewport', () => {
  const layout = new ForceLayout();
  layout.update({ nodes: [{ id: Q, role: 'queen', hive: Q }], links: [] });
  const far = { width: 400, height: 300, scale: 0.1, cx: 0, cy: 0 };

  it('eases towards the fitting viewport, further after a late frame', () => {
    const target = fitViewport(layout, 400, 300, null, 24);
    const next = fitViewport(layout, 400, 300, far, 24);
    expect(next.scale).toBeGreaterThan(far.scale);
    expect(next.scale).toBeLessThan(target.scale);
    expect(fitViewport(layout, 400, 300, far, 24, 60).scale).toBeCloseTo(target.scale, 3);
  });
});

describe('the simulated colony as a map', () => {
  it('shows every live bee with its role, and hive links from workers to their queen', () => {
    const world = new World({ seed: 5 });
    for (let i = 0; i < 12; i++) world.addBee();
    world.runFor(30_000);
    const graph = graphFromWorld(world, { neighbourLinks: false });
    const counts = countRoles(graph);
    // Twelve bees outgrow one queen of the default capacity (8): she breeds a second hive.
    expect(counts.queen).toBeGreaterThanOrEqual(2);
    expect(counts.queen + counts.worker).toBe(12);
    const queens = new Set(graph.nodes.filter((node) => node.role === 'queen').map((node) => node.id));
    const hiveLinks = graph.links.filter((link) => link.kind === 'hive');
    expect(hiveLinks.every((link) => queens.has(link.source) || queens.has(link.target))).toBe(true);
    expect(hiveLinks).toHaveLength(counts.worker);
    expect(graphFromWorld(world, { neighbourLinks: true }).links.length).toBeGreaterThan(graph.links.length);
  });
});
