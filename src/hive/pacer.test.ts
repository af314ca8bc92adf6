// The pacer lets an honest bee start messages in bursts and then at its pace, by count and by
// bytes, and never past the unacknowledged messages it may have at once.
import { describe, expect, it } from 'vitest';
import { CONDUCT_LIMITS } from './eviction';
import { DEFAULT_PACE, Pacer, type Pace } from './pacer';

const PACE: Pace = { perS: 10, burst: 5, bytesPerS: 1000, burstBytes: 2000, maxInFlight: 100 };

/** How many messages of `bytes` start at `now`, taking until the pacer says no. */
function started(pacer: Pacer, now: number, bytes: number): number {
  let n = 0;
  while (pacer.take(now, 0, bytes)) n++;
  return n;
}

describe('the pacer', () => {
  it('starts a burst of small messages at once, then as many as its rate refills', () => {
    const pacer = new Pacer(PACE);
    expect(started(pacer, 0, 1)).toBe(5);
    expect(started(pacer, 500, 1)).toBe(5);
  });

  it('holds big messages to its bytes per second even while the count allows more', () => {
    const pacer = new Pacer(PACE);
    expect(started(pacer, 0, 600)).toBe(3);
    // 200 bytes left, 1000 more a second later: two of 600.
    expect(started(pacer, 1000, 600)).toBe(2);
  });

  it('starts nothing while as many messages as it allows are unacknowledged', () => {
    const pacer = new Pacer(PACE);
    expect(pacer.take(0, PACE.maxInFlight, 1)).toBe(false);
    expect(pacer.take(0, PACE.maxInFlight - 1, 1)).toBe(true);
  });

  it('keeps an honest bee under the flood limit in any window, retransmissions included', () => {
    const windowS = CONDUCT_LIMITS.floodWindowMs / 1000;
    // A full burst, a window's worth of pace, and every message in flight retransmitted twice.
    const messages = DEFAULT_PACE.burst + DEFAULT_PACE.perS * windowS + 2 * DEFAULT_PACE.maxInFlight;
    const bytes = DEFAULT_PACE.burstBytes + DEFAULT_PACE.bytesPerS * windowS + 2 * DEFAULT_PACE.maxInFlight * 14 * 1024;
    expect(messages).toBeLessThanOrEqual(CONDUCT_LIMITS.floodEnvelopes);
    expect(bytes).toBeLessThanOrEqual(CONDUCT_LIMITS.floodBytes);
  });
});
