// Seeded randomness for the protocol core: the driver seeds it from the platform, the simulator
// from its run seed, so a run replays exactly. sfc32: small, fast, good enough for protocol jitter.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
  /** A random element, or undefined for an empty list. */
  pick<T>(items: readonly T[]): T | undefined;
  /** Shuffles `items` in place (Fisher–Yates). */
  shuffle<T>(items: T[]): void;
}

export function seededRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162;
  let d = 1;
  const next32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next32();
  const rng: Rng = {
    next: () => next32() / 2 ** 32,
    int: (n) => Math.floor(rng.next() * n),
    hex: (bytes) => {
      let out = '';
      for (let i = 0; i < bytes; i++) out += (next32() & 0xff).toString(16).padStart(2, '0');
      return out;
    },
    pick: (items) => (items.length === 0 ? undefined : items[rng.int(items.length)]),
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [items[i], items[j]] = [items[j] as (typeof items)[number], items[i] as (typeof items)[number]];
      }
    },
  };
  return rng;
}
