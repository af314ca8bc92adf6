import { describe, expect, it } from 'vitest';
import { fullBucket, takeToken, type Bucket, type Rate } from './rate-limit';

const RATE: Rate = { perS: 10, burst: 3 };

/** Try one frame at each time; which ones pass. */
function run(bucket: Bucket, times: number[]): boolean[] {
  return times.map((nowMs) => {
    const taken = takeToken(bucket, RATE, nowMs);
    bucket = taken.bucket;
    return taken.allowed;
  });
}

describe('token bucket', () => {
  it('lets a burst through at once, then refuses', () => {
    expect(run(fullBucket(RATE, 0), [0, 0, 0, 0, 0])).toEqual([true, true, true, false, false]);
  });

  it('refills at the sustained rate', () => {
    // Burst spent at t=0; at 10/s one token comes back every 100 ms.
    expect(run(fullBucket(RATE, 0), [0, 0, 0, 50, 100, 150, 200, 200])).toEqual([
      true, true, true, false, true, false, true, false,
    ]);
  });

  it('never holds more than the burst, however long it rested', () => {
    expect(run(fullBucket(RATE, 0), [60_000, 60_000, 60_000, 60_000])).toEqual([true, true, true, false]);
  });

  it('does not refill when the clock steps back', () => {
    const empty: Bucket = { tokens: 0, atMs: 1000 };
    const back = takeToken(empty, RATE, 0);
    expect(back).toEqual({ allowed: false, bucket: { tokens: 0, atMs: 1000 } });
    // Refill counts from the latest time seen (1000), not from the stepped-back one.
    expect(takeToken(back.bucket, RATE, 1050).allowed).toBe(false);
    expect(takeToken(back.bucket, RATE, 1100).allowed).toBe(true);
  });
});
