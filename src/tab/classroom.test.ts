import { describe, expect, it } from 'vitest';
import type { Upgrade } from '../hive/events';
import { Classroom, halfOf, lasting } from './classroom';

const LEFT_BEE = '1'.repeat(32);
const LEFT_PEER = '2'.repeat(32);
const RIGHT_PEER = 'a'.repeat(32);
const FOUNDER = 'f'.repeat(32);

function room(peers: string[] = [LEFT_PEER, RIGHT_PEER, FOUNDER]) {
  const done: string[] = [];
  const classroom = new Classroom(LEFT_BEE, {
    cut: (peer) => done.push(`cut ${peer}`),
    peers: () => peers,
    kill: () => done.push('killed'),
    goRogue: () => done.push('rogue'),
  }, () => FOUNDER);
  return { classroom, done };
}

const version = (n: number, settings: Record<string, unknown>): Upgrade => ({ version: n, config: { settings }, route: [] });

describe("the teacher's console, as a tab carries it out", () => {
  it('a split room cuts the links across its halves and refuses new ones; healed, it allows them again', () => {
    const { classroom, done } = room();
    expect([halfOf(LEFT_BEE), halfOf(RIGHT_PEER)]).toEqual(['left', 'right']);
    classroom.adopted(version(2, { split: true }));
    expect(done).toEqual([`cut ${RIGHT_PEER}`]);
    // The founder keeps both halves: the order to heal must reach them.
    expect([classroom.allows(LEFT_PEER), classroom.allows(RIGHT_PEER), classroom.allows(FOUNDER)]).toEqual([true, false, true]);
    classroom.adopted(version(3, {}));
    expect(classroom.allows(RIGHT_PEER)).toBe(true);
  });

  it('a bee of a split room wants a link to the founder, the founder none; a healed room wants none', () => {
    const { classroom } = room();
    expect(classroom.wanted()).toBeNull();
    classroom.adopted(version(2, { split: true }));
    expect(classroom.wanted()).toBe(FOUNDER);
    const founder = new Classroom(FOUNDER, { cut: () => {}, peers: () => [], kill: () => {}, goRogue: () => {} }, () => FOUNDER);
    founder.adopted(version(2, { split: true }));
    expect(founder.wanted()).toBeNull();
    classroom.adopted(version(3, {}));
    expect(classroom.wanted()).toBeNull();
  });

  it('an order is carried out by the bee it names, once, and not again from the chain a reload restores', () => {
    const { classroom, done } = room();
    classroom.adopted(version(2, { order: { kind: 'kill', bee: RIGHT_PEER } }));
    expect(done).toEqual([]);
    classroom.adopted(version(3, { order: { kind: 'rogue', bee: LEFT_BEE } }), true);
    expect(done).toEqual([]);
    classroom.adopted(version(3, { order: { kind: 'kill', bee: LEFT_BEE } }));
    expect(done).toEqual(['killed']);
  });

  it('the next version keeps the lasting settings and spends the order', () => {
    expect(lasting({ colour: '#1d4ed8', split: true, order: { kind: 'kill', bee: LEFT_BEE } })).toEqual({ colour: '#1d4ed8', split: true });
  });

  it('latency and loss are bounded, and a lossy room drops frames at its rate', () => {
    const { classroom } = room();
    classroom.adopted(version(2, { latencyMs: 60_000, loss: 0.3 }));
    expect(classroom.latencyMs).toBe(5000);
    expect([classroom.drops(0.29), classroom.drops(0.31)]).toEqual([true, false]);
    classroom.adopted(version(3, { loss: 7 }));
    expect(classroom.loss).toBe(1);
  });
});
