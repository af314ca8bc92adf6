import { describe, expect, it } from 'vitest';
import { ADDRESS_TTL_MS, Directory } from './directory';

const bee = (n: number) => n.toString(16).padStart(16, '0');

describe('Directory', () => {
  it('answers with the queen a bee last worked for, until the address goes stale', () => {
    const directory = new Directory();
    directory.register(bee(1), [bee(10), bee(11)], 0);
    directory.register(bee(2), [bee(11)], 100);
    expect(directory.lookup(bee(10), 100)).toBe(bee(1));
    expect(directory.lookup(bee(11), 100)).toBe(bee(2));
    expect(directory.lookup(bee(10), ADDRESS_TTL_MS + 1)).toBeUndefined();
    expect(directory.lookup(bee(12), 0)).toBeUndefined();
  });

  it('forgets stale addresses and keeps renewed ones', () => {
    const directory = new Directory();
    directory.register(bee(1), [bee(10), bee(11)], 0);
    directory.register(bee(1), [bee(10)], ADDRESS_TTL_MS);
    directory.expire(ADDRESS_TTL_MS + 1);
    expect(directory.size).toBe(1);
    expect(directory.lookup(bee(10), ADDRESS_TTL_MS + 1)).toBe(bee(1));
  });

  it('holds a bounded number of addresses, whatever queens tell it', () => {
    const directory = new Directory();
    for (let i = 0; i < 100; i++) directory.register(bee(1), Array.from({ length: 64 }, (_, j) => bee(1000 + i * 64 + j)), i);
    expect(directory.size).toBe(4096);
    expect(directory.lookup(bee(1000 + 99 * 64), 99)).toBe(bee(1));
  });
});
