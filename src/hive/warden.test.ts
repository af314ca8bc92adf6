import { describe, expect, it } from 'vitest';
import { CONDUCT_LIMITS, Warden, type WardenHost } from './eviction';
import type { Envelope } from './frames';

const bee = (n: number) => n.toString(16).padStart(16, '0');

const host = (): WardenHost => ({
  id: bee(0),
  isQueen: () => true,
  queen: () => null,
  formerQueen: () => null,
  peers: () => [],
  announce: () => {},
  cut: () => {},
  forget: () => {},
  banned: () => {},
  evicted: () => {},
});

const envelope = (from: string): Envelope => ({ t: 'env', id: `${from}01`, from, to: null, ttl: 3, route: [from], p: { k: 'data', msg: `${from}02`, body: 'hi' } });

describe('the warden', () => {
  it("keeps a bee's flood tally only while its window lasts, however many bees it heard", () => {
    const warden = new Warden(host());
    for (let n = 1; n <= 500; n++) expect(warden.admits(bee(n), envelope(bee(n)), 0)).toBe(true);
    expect(warden.tallied).toBe(500);
    warden.onTick(CONDUCT_LIMITS.floodWindowMs - 1);
    expect(warden.tallied).toBe(500);
    warden.onTick(CONDUCT_LIMITS.floodWindowMs);
    expect(warden.tallied).toBe(0);
  });

  it('still condemns a bee that floods within one window, by envelopes or by bytes', () => {
    const warden = new Warden(host(), [], { ...CONDUCT_LIMITS, floodEnvelopes: 3, floodBytes: 1_000_000 });
    const flooder = bee(7);
    for (let i = 0; i < 3; i++) expect(warden.admits(flooder, envelope(flooder), i)).toBe(true);
    expect(warden.admits(flooder, envelope(flooder), 3)).toBe(false);
    expect(warden.isBanned(flooder)).toBe(true);
    const big = { ...envelope(bee(8)), p: { k: 'data' as const, msg: `${bee(8)}02`, body: 'x'.repeat(60) } };
    // Room for one such envelope's bytes and a half.
    const heavy = new Warden(host(), [], { ...CONDUCT_LIMITS, floodBytes: 1.5 * JSON.stringify(big.p).length });
    expect(heavy.admits(bee(8), big, 0)).toBe(true);
    expect(heavy.admits(bee(8), big, 1)).toBe(false);
  });
});
