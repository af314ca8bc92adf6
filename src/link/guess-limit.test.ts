import { describe, expect, it } from 'vitest';
import { GuessLimit } from './guess-limit';

describe('passphrase guesses per bee', () => {
  it('lets a bee fail a few times, then refuses it until its oldest failure leaves the window', () => {
    const limit = new GuessLimit({ allowed: 3, windowMs: 1000 });
    for (const at of [0, 100, 200]) {
      expect(limit.exhausted('guesser', at)).toBe(false);
      limit.failed('guesser', at);
    }
    expect(limit.exhausted('guesser', 300)).toBe(true);
    expect(limit.exhausted('guesser', 999)).toBe(true);
    // The failure at 0 is out of the window: one more guess.
    expect(limit.exhausted('guesser', 1000)).toBe(false);
    limit.failed('guesser', 1000);
    expect(limit.exhausted('guesser', 1050)).toBe(true);
    expect(limit.exhausted('guesser', 1100)).toBe(false);
  });

  it('counts each bee on its own', () => {
    const limit = new GuessLimit({ allowed: 2, windowMs: 1000 });
    limit.failed('a', 0);
    limit.failed('a', 1);
    limit.failed('b', 1);
    expect([limit.exhausted('a', 2), limit.exhausted('b', 2)]).toEqual([true, false]);
  });

  it('forgets failures older than the window, so memory follows recent guessers only', () => {
    const limit = new GuessLimit({ allowed: 2, windowMs: 1000 });
    limit.failed('a', 0);
    expect(limit.size).toBe(1);
    expect(limit.exhausted('a', 1000)).toBe(false);
    expect(limit.size).toBe(0);
  });

  it('remembers at most a bounded number of bees, the least recently failed forgotten first', () => {
    const limit = new GuessLimit({ allowed: 1, windowMs: 1000, remembered: 3 });
    for (const bee of ['a', 'b', 'c', 'd']) limit.failed(bee, 0);
    expect(limit.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((bee) => limit.exhausted(bee, 1))).toEqual([false, true, true, true]);
  });
});
