import { describe, expect, it } from 'vitest';
import { Roster } from './roster';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe('Roster', () => {
  it('adds a bee on first gossip and keeps it while its beat advances', () => {
    const roster = new Roster(A, 5000);
    expect(roster.merge(B, 100, 0)).toBe(true);
    expect(roster.merge(B, 100, 1000)).toBe(false);
    expect(roster.merge(B, 4000, 4000)).toBe(true);
    expect(roster.expire(8000)).toEqual([]);
    expect(roster.others()).toEqual([B]);
  });

  it('drops a bee whose beat stops advancing', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    expect(roster.expire(5001)).toEqual([B]);
    expect(roster.has(B)).toBe(false);
  });

  it('never lets stale gossip resurrect a departed bee', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    roster.remove(B, 10);
    expect(roster.merge(B, 100, 20)).toBe(false);
    expect(roster.merge(B, 50, 20)).toBe(false);
    expect(roster.has(B)).toBe(false);
  });

  it('takes back a departed bee that beats again later (a reloaded tab)', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    roster.remove(B, 10);
    expect(roster.merge(B, 101, 20)).toBe(true);
    expect(roster.has(B)).toBe(true);
  });

  it('never lists itself among the others and leads its digest with itself', () => {
    const roster = new Roster(A, 5000);
    expect(roster.merge(A, 100, 0)).toBe(false);
    roster.merge(B, 7, 0);
    expect(roster.others()).toEqual([B]);
    expect(roster.digest(42)).toEqual([[A, 42], [B, 7]]);
  });
});
