// A token bucket as plain data. Time is a parameter, so the rule is testable without a clock.

export interface Rate {
  perS: number;
  burst: number;
}

export interface Bucket {
  readonly tokens: number;
  readonly atMs: number;
}

export const fullBucket = (rate: Rate, nowMs: number): Bucket => ({ tokens: rate.burst, atMs: nowMs });

/** Refill for the time elapsed since the last call, then spend one token if there is one. */
export function takeToken(bucket: Bucket, rate: Rate, nowMs: number): { allowed: boolean; bucket: Bucket } {
  // A clock that steps back refills nothing and does not move the bucket's time back either.
  const atMs = Math.max(bucket.atMs, nowMs);
  const tokens = Math.min(rate.burst, bucket.tokens + ((atMs - bucket.atMs) / 1000) * rate.perS);
  return tokens >= 1
    ? { allowed: true, bucket: { tokens: tokens - 1, atMs } }
    : { allowed: false, bucket: { tokens, atMs } };
}

/**
 * Token buckets by key (a client address), at most `maxKeys` of them: the least recently used
 * goes first, so memory stays bounded however many addresses come and go.
 */
export class KeyedBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: Rate,
    private readonly maxKeys: number,
  ) {}

  take(key: string, nowMs: number): boolean {
    const taken = takeToken(this.#buckets.get(key) ?? fullBucket(this.rate, nowMs), this.rate, nowMs);
    // Re-inserting keeps the map in least-recently-used order.
    this.#buckets.delete(key);
    this.#buckets.set(key, taken.bucket);
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    return taken.allowed;
  }

  get size(): number {
    return this.#buckets.size;
  }
}
