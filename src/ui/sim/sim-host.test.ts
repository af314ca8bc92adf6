import { describe, expect, it } from 'vitest';
import { beesOn } from '../map/aggregate';
import { SAMPLE_MS, SimHost } from './sim-host';
import type { SimPlacement, SimReport, SimSample } from './sim-protocol';

/** A host on a clock the test moves, with every report it sent. */
function host() {
  const reports: SimReport[] = [];
  let now = 0;
  const simHost = new SimHost((report) => reports.push(report), () => now);
  return {
    simHost,
    reports,
    samples: () => reports.filter((report): report is SimSample => report.type === 'sample'),
    /** Runs the host every `stepMs` of its clock for `forMs`. */
    runFor(forMs: number, stepMs = 50) {
      for (let t = 0; t < forMs; t += stepMs) {
        now += stepMs;
        simHost.run();
        if (reports.at(-1)?.type === 'placed') simHost.order({ type: 'drawn' });
      }
    },
  };
}

const controls = { speed: 1, trafficPerS: 2, paused: false, neighbourLinks: false, beesDrawn: 100 };

describe('the simulator host the /sim worker runs', () => {
  it('does nothing before the page starts it', () => {
    const h = host();
    h.runFor(1000);
    h.simHost.order({ type: 'killQueens' });
    expect(h.reports).toEqual([]);
  });

  it('reports the colony as map data no more often than every sample period, and the bees join', () => {
    const h = host();
    h.simHost.order({ type: 'start', setup: { seed: 4, bees: 12 }, controls });
    h.runFor(20_000);
    const samples = h.samples();
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.length).toBeLessThanOrEqual(20_000 / SAMPLE_MS + 1);
    const last = samples.at(-1)!;
    expect(last.bees).toBe(12);
    expect(last.graph.nodes).toHaveLength(12);
    expect(last.graph.nodes.filter((node) => node.role === 'queen').length).toBeGreaterThanOrEqual(1);
    expect(last.virtualMs).toBeGreaterThan(0);
    expect(samples.flatMap((sample) => sample.deliveries).length).toBeGreaterThan(0);
  });

  it('answers a queen kill with how many queens died, and reports the colony without them at once', () => {
    const h = host();
    h.simHost.order({ type: 'start', setup: { seed: 4, bees: 12 }, controls });
    h.runFor(20_000);
    const queens = h.samples().at(-1)!.graph.nodes.filter((node) => node.role === 'queen').map((node) => node.id);
    h.simHost.order({ type: 'killQueens' });
    expect(h.reports.at(-1)).toEqual({ type: 'killed', queens: queens.length });
    h.runFor(1);
    const after = h.samples().at(-1)!;
    expect(after.graph.nodes.map((node) => node.id).filter((id) => queens.includes(id))).toEqual([]);
  });

  it('sends hives, not bees, once the colony outgrows what the page’s map draws bee by bee, and lays out the hives', () => {
    const h = host();
    h.simHost.order({ type: 'start', setup: { seed: 4, bees: 30 }, controls: { ...controls, beesDrawn: 20 } });
    h.runFor(20_000);
    const last = h.samples().at(-1)!;
    expect(last.graph.byHive).toBe(true);
    expect(beesOn(last.graph)).toBe(30);
    const named = h.reports.filter((report): report is SimPlacement => report.type === 'placed' && report.ids !== null).at(-1)!;
    expect([...named.ids!].sort()).toEqual(last.graph.nodes.map((node) => node.id).sort());
    // A page with room for them all is sent the bees again.
    h.simHost.order({ type: 'controls', controls: { ...controls, beesDrawn: 30 } });
    h.runFor(1);
    expect(h.samples().at(-1)!.graph).toMatchObject({ nodes: expect.any(Array) });
    expect(h.samples().at(-1)!.graph.byHive).toBeUndefined();
    expect(h.samples().at(-1)!.graph.nodes).toHaveLength(30);
  });

  it('stops the virtual clock while paused, and adds bees on order', () => {
    const h = host();
    h.simHost.order({ type: 'start', setup: { seed: 4, bees: 4 }, controls });
    h.runFor(5000);
    h.simHost.order({ type: 'controls', controls: { ...controls, paused: true } });
    h.runFor(1);
    const frozen = h.samples().at(-1)!.virtualMs;
    h.runFor(2000);
    expect(h.samples().at(-1)!.virtualMs).toBe(frozen);
    h.simHost.order({ type: 'controls', controls });
    h.simHost.order({ type: 'addBees', n: 3 });
    h.runFor(5000);
    expect(h.samples().at(-1)!.graph.nodes).toHaveLength(7);
  });

  it('lays the map out itself: every bee gets a position, and positions stop coming once the layout rests', () => {
    const h = host();
    h.simHost.order({ type: 'start', setup: { seed: 4, bees: 12 }, controls: { ...controls, trafficPerS: 0 } });
    h.runFor(20_000);
    const placements = h.reports.filter((report): report is SimPlacement => report.type === 'placed');
    expect(placements.length).toBeGreaterThan(0);
    const last = placements.at(-1)!;
    const named = placements.filter((placement) => placement.ids !== null).at(-1)!;
    expect([...named.ids!].sort()).toEqual(h.samples().at(-1)!.graph.nodes.map((node) => node.id).sort());
    expect(last.xy).toHaveLength(24);
    expect(last.xy.every(Number.isFinite)).toBe(true);
    // The colony has settled: the layout came to rest and said so once, then fell silent.
    expect(last.moving).toBe(false);
    const count = h.reports.length;
    h.simHost.order({ type: 'controls', controls: { ...controls, trafficPerS: 0, paused: true } });
    h.runFor(5000);
    expect(h.reports.slice(count).filter((report) => report.type === 'placed')).toEqual([]);
  });

  it('sends no new positions until the page has drawn the last ones, and names the bees only when they change', () => {
    const reports: SimReport[] = [];
    let now = 0;
    const simHost = new SimHost((report) => reports.push(report), () => now);
    simHost.order({ type: 'start', setup: { seed: 4, bees: 12 }, controls });
    const placements = () => reports.filter((report): report is SimPlacement => report.type === 'placed');
    for (; now < 10_000; now += 50) simHost.run();
    expect(placements()).toHaveLength(1);
    expect(placements()[0]!.ids).not.toBeNull();
    simHost.order({ type: 'drawn' });
    now += 50;
    simHost.run();
    expect(placements()).toHaveLength(2);
  });
});
