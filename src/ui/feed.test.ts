import { describe, expect, it } from 'vitest';
import { ColonyFeed } from './feed';
import { hivesOnly } from './map/aggregate';
import type { MapGraph } from './map/graph';

const egg = (id: string): MapGraph['nodes'][number] => ({ id, role: 'egg', hive: null });

describe('a colony watched over time', () => {
  it('counts elections and evictions from what changed, newest timeline entry first', () => {
    const feed = new ColonyFeed();
    expect(feed.update({ nodes: [egg('a'), egg('b')], links: [] }, 1)).toBe(true);
    expect(feed.timeline).toEqual([]);
    expect(feed.update({ nodes: [egg('a'), egg('b')], links: [] }, 2)).toBe(false);
    feed.update({ nodes: [{ id: 'a', role: 'queen', hive: 'a' }, { id: 'b', role: 'worker', hive: 'a' }], links: [{ source: 'b', target: 'a', kind: 'hive' }] }, 3);
    feed.update({ nodes: [{ id: 'a', role: 'queen', hive: 'a' }, { id: 'b', role: 'evicted', hive: null }], links: [] }, 4);
    expect(feed.elections).toBe(1);
    expect(feed.evictions).toBe(1);
    expect(feed.timeline.map((entry) => entry.at)).toEqual([4, 3]);
    expect(feed.timeline[1]!.text).toContain('hatched as a queen');
  });

  it('notes a colony turning into hives on the map as one line, not as every bee leaving', () => {
    const feed = new ColonyFeed();
    const bees: MapGraph = { nodes: [{ id: 'a', role: 'queen', hive: 'a' }, { id: 'b', role: 'worker', hive: 'a' }, egg('c')], links: [] };
    feed.update(bees, 1);
    feed.update(hivesOnly(bees), 2);
    expect(feed.timeline.map((entry) => entry.text)).toEqual(['The colony outgrew the map: it now shows hives, not bees']);
    // By hive, a new queen is news; bees coming and going only change the counts.
    feed.update(hivesOnly({ ...bees, nodes: [...bees.nodes, egg('d'), { id: 'e', role: 'queen', hive: 'e' }] }), 3);
    expect(feed.timeline.map((entry) => entry.text)).toHaveLength(2);
    expect(feed.timeline[0]!.text).toContain('hatched as a queen');
    expect(feed.elections).toBe(1);
  });

  it('keeps each flight once and measures messages per second over five seconds', () => {
    const feed = new ColonyFeed();
    feed.fly('m1', ['a', 'b'], 'message', 0);
    feed.fly('m1', ['a', 'b'], 'message', 10);
    feed.fly('m2', ['a', 'c'], 'relay', 1000);
    expect(feed.flights.map((flight) => flight.id)).toEqual(['m1', 'm2']);
    expect(feed.messagesPerSecond(2000)).toBeCloseTo(0.4);
    expect(feed.messagesPerSecond(5500)).toBeCloseTo(0.2);
  });
});
