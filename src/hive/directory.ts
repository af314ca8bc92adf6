// Where a queen keeps other hives' addresses. Every bee has a home in the court: the queen whose
// key is nearest its own (court-table.ts). A queen tells each of her workers' homes that they
// work for her, when her hive changes and every few seconds; a queen who does not know where a
// bee works sends the message to its home, who knows. A home keeps the bees nearest her in the
// key space, about one hive's worth: nothing here grows with the colony.

import { remember } from './bounded';

/** How often a queen renews her workers' addresses, unchanged. */
export const ADDRESS_RENEW_MS = 5000;
/** An address not renewed for this long is forgotten (its queen died, or it moved). */
export const ADDRESS_TTL_MS = 3 * ADDRESS_RENEW_MS;
/** Addresses a home keeps at most (a limit on what others can make her hold). */
const MAX_ADDRESSES = 4096;

export class Directory {
  private readonly addresses = new Map<string, { queen: string; at: number }>();

  /** `queen` says these bees work in her hive. */
  register(queen: string, workers: readonly string[], now: number): void {
    for (const bee of workers) remember(this.addresses, bee, { queen, at: now }, MAX_ADDRESSES);
  }

  /** The queen `bee` last said to work for, unless that was too long ago. */
  lookup(bee: string, now: number): string | undefined {
    const address = this.addresses.get(bee);
    return address && now - address.at <= ADDRESS_TTL_MS ? address.queen : undefined;
  }

  /** Forgets addresses past their time; they are kept in the order written, so the stale come first. */
  expire(now: number): void {
    for (const [bee, { at }] of this.addresses) {
      if (now - at <= ADDRESS_TTL_MS) break;
      this.addresses.delete(bee);
    }
  }

  get size(): number {
    return this.addresses.size;
  }
}
