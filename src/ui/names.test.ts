import { describe, expect, it } from 'vitest';
import { seededRng } from '../hive/rng';
import { beeLabel, beeName, cleanDisplayName, DISPLAY_NAME_MAX, NAME_WORDS } from './names';

const ids = (n: number): string[] => {
  const rng = seededRng(11);
  return Array.from({ length: n }, () => rng.hex(16));
};

describe('names people can say', () => {
  it('gives a bee the same two words and two-digit number every time, from its id alone', () => {
    const id = 'a3f09c1e5b7d2468a3f09c1e5b7d2468';
    expect(beeName(id)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ [1-9][0-9]$/);
    expect(beeName(id)).toBe(beeName(`${id}`));
    // Pinned: a change of word lists or hash renames every bee in every classroom at once.
    expect(beeName(id)).toMatchInlineSnapshot(`"Misty Seed 45"`);
    expect(beeLabel(id)).toBe(`${beeName(id).split(' ')[0]} ${beeName(id).split(' ')[2]}`);
  });

  it('uses 64 distinct plain-ASCII words in each list, so every font can draw them', () => {
    for (const words of [NAME_WORDS.first, NAME_WORDS.second]) {
      expect(new Set(words).size).toBe(64);
      for (const word of words) expect(word).toMatch(/^[A-Z][a-z]{2,7}$/);
    }
    expect(NAME_WORDS.first.filter((word) => (NAME_WORDS.second as readonly string[]).includes(word))).toEqual([]);
  });

  it('spreads a classroom of 60 bees over 60 different names', () => {
    const names = ids(60).map(beeName);
    expect(new Set(names).size).toBe(60);
  });

  it('spreads ids that differ in one character over different names', () => {
    const names = new Set(Array.from({ length: 16 }, (_, i) => beeName(`${'0'.repeat(31)}${i.toString(16)}`)));
    expect(names.size).toBe(16);
  });
});

describe('a display name a student types', () => {
  it('is trimmed, loses control characters and repeated spaces, and is capped', () => {
    expect(cleanDisplayName('  Maya\u0007  the \n bee ')).toBe('Maya the bee');
    expect(cleanDisplayName('x'.repeat(100))).toHaveLength(DISPLAY_NAME_MAX);
  });

  it('means no display name when nothing is left', () => {
    expect(cleanDisplayName('   \u200b ')).toBeNull();
  });
});
