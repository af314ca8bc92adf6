import { describe, expect, it } from 'vitest';
import { seededRng } from '../hive/rng';
import { HIVE_STYLES, HivePalette, NO_HIVE } from './hives';

const queens = (n: number, seed = 5): string[] => {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => rng.hex(16));
};

/** Relative luminance and contrast ratio (WCAG 2). */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

describe('hive colours and letters', () => {
  it('gives up to eight hives eight different colours and letters, whatever their ids', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const known = queens(8, seed);
      const palette = new HivePalette(known);
      expect(new Set(known.map((queen) => palette.of(queen).letter)).size).toBe(8);
    }
  });

  it('gives a hive the same colour in every bee that knows the same queens, in any order', () => {
    const known = queens(5);
    const one = new HivePalette(known);
    const other = new HivePalette([...known].reverse());
    for (const queen of known) expect(other.of(queen)).toEqual(one.of(queen));
  });

  it('keeps a hive its colour when a bee has not heard of a queen that does not collide with it', () => {
    const known = queens(3);
    const all = new HivePalette(known);
    const alone = new HivePalette([known[0]!]);
    // With no collision in the full set, each queen sits in her own hash slot.
    expect(alone.of(known[0]!)).toEqual(new HivePalette([]).of(known[0]!));
    if (new Set(known.map((queen) => new HivePalette([]).of(queen).letter)).size === 3) expect(all.of(known[0]!)).toEqual(alone.of(known[0]!));
  });

  it('shows a bee outside any hive in the neutral style, without a letter', () => {
    expect(new HivePalette(queens(2)).of(null)).toBe(NO_HIVE);
  });

  it('writes every letter legibly on its colour', () => {
    for (const style of [...HIVE_STYLES, NO_HIVE]) expect(contrast(style.colour, style.ink)).toBeGreaterThanOrEqual(4.5);
  });
});
