import { describe, expect, it } from 'vitest';
import type { HiveSnapshot } from '../bee';
import { Paced, splitSnapshot, Steady } from './steady';

describe('steady view state', () => {
  it('hands back the same object while the new value is equal, and the new one once it differs', () => {
    const first = { roster: ['a', 'b'], queen: 'a' };
    const steady = new Steady(first);
    expect(steady.next({ roster: ['a', 'b'], queen: 'a' })).toBe(first);
    const changed = { roster: ['a', 'b', 'c'], queen: 'a' };
    expect(steady.next(changed)).toBe(changed);
    expect(steady.next({ roster: ['a', 'b', 'c'], queen: 'a' })).toBe(changed);
  });

  it('splits the counters that move on every heartbeat from what the colony shows', () => {
    const snap = { id: 'a', role: 'worker', hives: [], counters: { framesIn: 5 }, security: { links: {} }, storage: { writes: 1 } } as unknown as HiveSnapshot;
    const { shown, tallies } = splitSnapshot(snap);
    expect(shown).toEqual({ id: 'a', role: 'worker', hives: [] });
    expect(tallies).toEqual({ counters: { framesIn: 5 }, security: { links: {} }, storage: { writes: 1 } });
  });

  it('keeps the shown part steady across beats that only move the counters and the hives’ beat counts', () => {
    const beat = (n: number, workers = ['a']) =>
      ({ id: 'a', role: 'worker', neighbours: ['q'], hives: [{ queen: 'q', hive: 'h', beat: n, term: 3, workers }], counters: { framesIn: n }, security: {}, storage: {} }) as unknown as HiveSnapshot;
    const steady = new Steady(splitSnapshot(beat(1)).shown);
    const before = steady.next(splitSnapshot(beat(1)).shown);
    expect(steady.next(splitSnapshot(beat(2)).shown)).toBe(before);
    expect(steady.next(splitSnapshot(beat(3, ['a', 'b'])).shown)).not.toBe(before);
  });

  it('keeps the shown part steady when the bee lists the same hives in another order', () => {
    const hive = (queen: string) => ({ queen, hive: queen, beat: 1, term: 1, workers: [] });
    const listing = (...queens: string[]) => ({ id: 'a', role: 'worker', hives: queens.map(hive), counters: {}, security: {}, storage: {} }) as unknown as HiveSnapshot;
    const steady = new Steady(splitSnapshot(listing('p', 'q')).shown);
    const before = steady.next(splitSnapshot(listing('p', 'q')).shown);
    expect(steady.next(splitSnapshot(listing('q', 'p')).shown)).toBe(before);
  });

  it('hands a change on at most once per interval, and says how long a held-back change waits', () => {
    const first = { framesIn: 1 };
    const paced = new Paced(first, 1000);
    const second = { framesIn: 2 };
    expect(paced.next(second, 5000)).toEqual({ value: second, wait: null });
    expect(paced.next({ framesIn: 3 }, 5400)).toEqual({ value: second, wait: 600 });
    expect(paced.next({ framesIn: 2 }, 5500)).toEqual({ value: second, wait: null });
    const fourth = { framesIn: 4 };
    expect(paced.next(fourth, 6000).value).toBe(fourth);
  });

  it('compares by the key it is given, when the whole value is too costly to compare', () => {
    const byId = (value: { id: string; body: string }) => value.id;
    const first = { id: 'm1', body: 'x'.repeat(10) };
    const steady = new Steady(first, byId);
    expect(steady.next({ id: 'm1', body: 'y' })).toBe(first);
    const second = { id: 'm2', body: 'x' };
    expect(steady.next(second)).toBe(second);
  });
});
