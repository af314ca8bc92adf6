// Who is live in which colony: a pure presence registry (no sockets, no timers). `C` is whatever
// handle the server uses to reach a bee; the registry only compares it by identity.

export interface ColonyCaps {
  maxBeesPerColony: number;
  maxBees: number;
}

export type JoinResult<C> =
  | { ok: true; replaced: C | null }
  | { ok: false; code: 'ERR_COLONY_FULL' | 'ERR_SERVER_FULL' };

const NO_BEES: ReadonlyMap<string, never> = new Map<string, never>();

export class Colonies<C extends object> {
  readonly #colonies = new Map<string, Map<string, C>>();
  readonly #caps: ColonyCaps;
  readonly #random: () => number;
  #beeCount = 0;

  /** `random` returns a number in [0, 1), like Math.random; inject a seeded one in tests. */
  constructor(caps: ColonyCaps, random: () => number = Math.random) {
    this.#caps = caps;
    this.#random = random;
  }

  get colonyCount(): number {
    return this.#colonies.size;
  }

  get beeCount(): number {
    return this.#beeCount;
  }

  /**
   * Add `bee` to `colony`, reached through `conn`. A bee id that is already present is taken over
   * by the new `conn` (the old one is returned as `replaced`) and does not count against the caps.
   */
  join(colony: string, bee: string, conn: C): JoinResult<C> {
    let members = this.#colonies.get(colony);
    const previous = members?.get(bee);
    if (previous === undefined) {
      if (this.#beeCount >= this.#caps.maxBees) return { ok: false, code: 'ERR_SERVER_FULL' };
      if ((members?.size ?? 0) >= this.#caps.maxBeesPerColony) return { ok: false, code: 'ERR_COLONY_FULL' };
      this.#beeCount++;
    }
    if (!members) {
      members = new Map();
      this.#colonies.set(colony, members);
    }
    members.set(bee, conn);
    return { ok: true, replaced: previous ?? null };
  }

  /** Remove `bee` if it is still reached through `conn` (a replaced conn leaves nothing). */
  leave(colony: string, bee: string, conn: C): boolean {
    const members = this.#colonies.get(colony);
    if (members?.get(bee) !== conn) return false;
    members.delete(bee);
    this.#beeCount--;
    // Empty colonies go, so the registry never outgrows the live bees.
    if (members.size === 0) this.#colonies.delete(colony);
    return true;
  }

  get(colony: string, bee: string): C | undefined {
    return this.#colonies.get(colony)?.get(bee);
  }

  members(colony: string): ReadonlyMap<string, C> {
    return this.#colonies.get(colony) ?? NO_BEES;
  }

  /** Up to `count` distinct bees of `colony` other than `exclude`, uniformly at random. */
  sample(colony: string, exclude: string, count: number): string[] {
    const ids = [...this.members(colony).keys()].filter((id) => id !== exclude);
    const picked = Math.min(count, ids.length);
    // Partial Fisher–Yates: the first `picked` slots end up a uniform sample.
    for (let i = 0; i < picked; i++) {
      const j = Math.min(ids.length - 1, i + Math.floor(this.#random() * (ids.length - i)));
      const chosen = ids[j]!;
      ids[j] = ids[i]!;
      ids[i] = chosen;
    }
    return ids.slice(0, picked);
  }
}
