import { describe, expect, it } from 'vitest';
import { succession } from './hive-ring';

const members = ['a1', 'b2', 'c3', 'd4', 'e5'];

describe('a hive line of succession', () => {
  it('gives each member but the queen its own place, starting after hers and wrapping past the highest id', () => {
    const places = members.filter((bee) => bee !== 'c3').map((bee) => succession(members, 'c3', bee));
    expect(places).toEqual([2, 3, 0, 1]);
    expect(succession(members, 'e5', 'a1')).toBe(0);
  });

  it('puts a bee that is not a member behind every member', () => {
    expect(succession(members, 'c3', 'zz')).toBe(4);
  });
});
