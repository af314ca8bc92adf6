import { describe, expect, it } from 'vitest';
import { Colonies } from './colonies';

/** A handle per socket; the registry compares handles by identity only. */
const conn = (name: string) => ({ name });
/** One client address: the per-address cap is tested on its own. */
const ADDRESS = '10.0.0.1';
const CAPS = { maxBeesPerColony: 3, maxBees: 5, maxBeesPerColonyPerAddress: 100 };

/** A seeded linear congruential generator, so samples are reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('Colonies', () => {
  it('keeps bees of different colonies apart', () => {
    const colonies = new Colonies(CAPS);
    const a = conn('a');
    expect(colonies.join('demo', 'a', a, ADDRESS)).toEqual({ ok: true, replaced: null });
    colonies.join('other', 'b', conn('b'), ADDRESS);
    expect(colonies.get('demo', 'a')).toBe(a);
    expect(colonies.get('other', 'a')).toBeUndefined();
    expect([...colonies.members('demo').keys()]).toEqual(['a']);
    expect(colonies).toMatchObject({ colonyCount: 2, beeCount: 2 });
  });

  it('hands a rejoining bee id to the new handle and returns the old one', () => {
    const colonies = new Colonies({ maxBeesPerColony: 1, maxBees: 1, maxBeesPerColonyPerAddress: 100 });
    const old = conn('old');
    const fresh = conn('fresh');
    colonies.join('demo', 'a', old, ADDRESS);
    // Full, yet the same bee may come back: a rejoin takes no new room.
    expect(colonies.join('demo', 'a', fresh, ADDRESS)).toEqual({ ok: true, replaced: old });
    expect(colonies.get('demo', 'a')).toBe(fresh);
    expect(colonies.beeCount).toBe(1);
  });

  it('lets only the current handle remove a bee', () => {
    const colonies = new Colonies(CAPS);
    const old = conn('old');
    const fresh = conn('fresh');
    colonies.join('demo', 'a', old, ADDRESS);
    colonies.join('demo', 'a', fresh, ADDRESS);
    expect(colonies.leave('demo', 'a', old)).toBe(false);
    expect(colonies.get('demo', 'a')).toBe(fresh);
    expect(colonies.leave('demo', 'a', fresh)).toBe(true);
    expect(colonies.leave('demo', 'a', fresh)).toBe(false);
  });

  it('forgets a colony when its last bee leaves', () => {
    const colonies = new Colonies(CAPS);
    const a = conn('a');
    colonies.join('demo', 'a', a, ADDRESS);
    colonies.leave('demo', 'a', a);
    expect(colonies).toMatchObject({ colonyCount: 0, beeCount: 0 });
    expect(colonies.members('demo').size).toBe(0);
  });

  it('refuses bees over the colony cap and over the total cap', () => {
    const colonies = new Colonies(CAPS);
    for (const bee of ['a', 'b', 'c']) colonies.join('demo', bee, conn(bee), ADDRESS);
    expect(colonies.join('demo', 'd', conn('d'), ADDRESS)).toEqual({ ok: false, code: 'ERR_COLONY_FULL' });
    colonies.join('other', 'd', conn('d'), ADDRESS);
    colonies.join('other', 'e', conn('e'), ADDRESS);
    expect(colonies.join('third', 'f', conn('f'), ADDRESS)).toEqual({ ok: false, code: 'ERR_SERVER_FULL' });
    expect(colonies).toMatchObject({ colonyCount: 2, beeCount: 5 });
  });

  it('samples distinct bees other than the asker, at most as many as asked', () => {
    const colonies = new Colonies({ maxBeesPerColony: 100, maxBees: 100, maxBeesPerColonyPerAddress: 100 }, seededRandom(7));
    const ids = Array.from({ length: 20 }, (_, i) => `bee${i}`);
    for (const id of ids) colonies.join('demo', id, conn(id), ADDRESS);
    const sample = colonies.sample('demo', 'bee3', 6);
    expect(sample).toHaveLength(6);
    expect(new Set(sample).size).toBe(6);
    expect(sample).not.toContain('bee3');
    for (const id of sample) expect(ids).toContain(id);
    expect(colonies.sample('demo', 'bee3', 50).sort()).toEqual(ids.filter((id) => id !== 'bee3').sort());
    expect(colonies.sample('empty', 'bee3', 6)).toEqual([]);
  });

  it('samples every bee about equally often', () => {
    const colonies = new Colonies({ maxBeesPerColony: 100, maxBees: 100, maxBeesPerColonyPerAddress: 100 }, seededRandom(42));
    const ids = Array.from({ length: 10 }, (_, i) => `bee${i}`);
    for (const id of ids) colonies.join('demo', id, conn(id), ADDRESS);
    const hits = new Map(ids.map((id) => [id, 0]));
    const rounds = 3000;
    for (let i = 0; i < rounds; i++) {
      for (const id of colonies.sample('demo', 'bee0', 3)) hits.set(id, hits.get(id)! + 1);
    }
    expect(hits.get('bee0')).toBe(0);
    // Each of the 9 others is expected in 3/9 of the rounds (1000 times).
    for (const id of ids.slice(1)) expect(Math.abs(hits.get(id)! - rounds / 3)).toBeLessThan(120);
  });

  it('stays in range with a random source that returns its upper bound', () => {
    const colonies = new Colonies(CAPS, () => 1);
    for (const bee of ['a', 'b', 'c']) colonies.join('demo', bee, conn(bee), ADDRESS);
    expect(colonies.sample('demo', 'a', 2).sort()).toEqual(['b', 'c']);
  });

  it('caps the bees one client address has in a colony, and frees a place when one leaves', () => {
    const colonies = new Colonies({ maxBeesPerColony: 10, maxBees: 10, maxBeesPerColonyPerAddress: 2 });
    const first = conn('first');
    colonies.join('demo', 'a', first, 'nat');
    colonies.join('demo', 'b', conn('b'), 'nat');
    expect(colonies.join('demo', 'c', conn('c'), 'nat')).toEqual({ ok: false, code: 'ERR_ADDRESS_FULL' });
    // Other addresses and other colonies are not affected; a bee of the address may rejoin.
    expect(colonies.join('demo', 'c', conn('c'), 'home')).toMatchObject({ ok: true });
    expect(colonies.join('other', 'd', conn('d'), 'nat')).toMatchObject({ ok: true });
    expect(colonies.join('demo', 'b', conn('b again'), 'nat')).toMatchObject({ ok: true });
    colonies.leave('demo', 'a', first);
    expect(colonies.join('demo', 'e', conn('e'), 'nat')).toMatchObject({ ok: true });
  });
});
