import { describe, expect, it } from 'vitest';
import { heirOf, succession } from './hive-ring';

const members = ['a1', 'b2', 'c3', 'd4', 'e5'];

describe('a hive line of succession', () => {
  it('makes the member after the queen on the ring her heir, wrapping past the highest id', () => {
    expect(heirOf(members, 'c3')).toBe('d4');
    expect(heirOf(members, 'e5')).toBe('a1');
    expect(heirOf([...members].reverse(), 'c3')).toBe('d4');
  });

  it('has no heir in a hive of one', () => {
    expect(heirOf(['c3'], 'c3')).toBeUndefined();
  });

  it('gives each member but the queen its own place, the heir first', () => {
    const places = members.filter((bee) => bee !== 'c3').map((bee) => succession(members, 'c3', bee));
    expect(places).toEqual([2, 3, 0, 1]);
    expect(succession(members, 'c3', heirOf(members, 'c3')!)).toBe(0);
  });

  it('puts a bee that is not a member behind every member', () => {
    expect(succession(members, 'c3', 'zz')).toBe(4);
  });
});
