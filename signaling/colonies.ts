// Who is live in which colony: a pure presence registry (no sockets, no timers). `C` is whatever
// handle the server uses to reach a bee; the registry only compares it by identity. Each bee is
// counted against the client address it came from, so one address cannot fill a colony.

export interface ColonyCaps {
  maxBeesPerColony: number;
  maxBees: number;
  /** Bees of one colony from one client address (a classroom behind one NAT fits well within). */
  maxBeesPerColonyPerAddress: number;
}

export type JoinResult<C> =
  | { ok: true; replaced: C | null }
  | { ok: false; code: 'ERR_COLONY_FULL' | 'ERR_ADDRESS_FULL' | 'ERR_SERVER_FULL' };

interface Colony<C> {
  bees: Map<string, C>;
  /** Each bee's client address, and how many bees each address has here. */
  addressOf: Map<string, string>;
  perAddress: Map<string, number>;
}

const NO_BEES: ReadonlyMap<string, never> = new Map<string, never>();

const addTo = (counts: Map<string, number>, key: string, delta: number): void => {
  const count = (counts.get(key) ?? 0) + delta;
  if (count === 0) counts.delete(key);
  else counts.set(key, count);
};

export class Colonies<C extends object> {
  readonly #colonies = new Map<string, Colony<C>>();
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
   * Add `bee` to `colony`, reached through `conn` from client `address`. A bee id that is already
   * present is taken over by the new `conn` (the old one is returned as `replaced`) and does not
   * count against the colony's caps again; the caller has checked it may (the join proof).
   */
  join(colony: string, bee: string, conn: C, address: string): JoinResult<C> {
    const members = this.#colonies.get(colony);
    const previous = members?.bees.get(bee);
    const previousAddress = members?.addressOf.get(bee);
    if (previous === undefined) {
      if (this.#beeCount >= this.#caps.maxBees) return { ok: false, code: 'ERR_SERVER_FULL' };
      if ((members?.bees.size ?? 0) >= this.#caps.maxBeesPerColony) return { ok: false, code: 'ERR_COLONY_FULL' };
    }
    if (address !== previousAddress && (members?.perAddress.get(address) ?? 0) >= this.#caps.maxBeesPerColonyPerAddress) {
      return { ok: false, code: 'ERR_ADDRESS_FULL' };
    }
    if (previous === undefined) this.#beeCount++;
    const entry = members ?? { bees: new Map(), addressOf: new Map(), perAddress: new Map() };
    this.#colonies.set(colony, entry);
    if (previousAddress !== undefined) addTo(entry.perAddress, previousAddress, -1);
    addTo(entry.perAddress, address, 1);
    entry.bees.set(bee, conn);
    entry.addressOf.set(bee, address);
    return { ok: true, replaced: previous ?? null };
  }

  /** Remove `bee` if it is still reached through `conn` (a replaced conn leaves nothing). */
  leave(colony: string, bee: string, conn: C): boolean {
    const members = this.#colonies.get(colony);
    if (members?.bees.get(bee) !== conn) return false;
    members.bees.delete(bee);
    addTo(members.perAddress, members.addressOf.get(bee)!, -1);
    members.addressOf.delete(bee);
    this.#beeCount--;
    // Empty colonies go, so the registry never outgrows the live bees.
    if (members.bees.size === 0) this.#colonies.delete(colony);
    return true;
  }

  get(colony: string, bee: string): C | undefined {
    return this.#colonies.get(colony)?.bees.get(bee);
  }

  members(colony: string): ReadonlyMap<string, C> {
    return this.#colonies.get(colony)?.bees ?? NO_BEES;
  }

  /** Every bee, with its colony. */
  *all(): Generator<{ colony: string; bee: string }> {
    for (const [colony, { bees }] of this.#colonies) for (const bee of bees.keys()) yield { colony, bee };
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
