// Colony configs (upgrades): a bee takes the next version of its colony's config, signed by the
// colony's founder, and passes it on. Before there is a queen an upgrade moves neighbour to
// neighbour; with one, it goes up to the queen, and she pushes it to her workers and the court.
//
// The founder is the bee that signed version 1 (the genesis), or the one pinned by the join link
// (`?founder=`): every later version must be signed by the same bee, and be exactly one more than
// the version this bee runs. A bee keeps every version of its colony (at most MAX_VERSION), so a
// bee that missed some, or joined late, is handed them in order and walks them one by one.
// The driver checked each config's signature against the `by` it names; `sig` tells two configs
// of one version apart. See docs/security.md, "Upgrades".

import type { Counters, Effects, Upgrade } from './events';
import { MAX_HOPS, type UpgradeFrame } from './frames';
import type { Links, LinkState } from './links';

/** Versions a colony may have: every bee keeps them all, so this bounds what a bee keeps. */
export const MAX_VERSION = 1024;
/** Configs kept that arrived before the one they follow (links may reorder), until it comes. */
const AHEAD = 32;
/** Configs one link is handed at once; the rest follow as the far end reports it took them. */
const HANDOVER_BATCH = 16;

/** The bee a config names as its signer (the driver checked the signature is that bee's). */
const signerOf = (upgrade: Upgrade): string | null => (typeof upgrade.config.by === 'string' ? upgrade.config.by : null);
const same = (a: Upgrade, b: Upgrade): boolean => a.config.sig === b.config.sig && signerOf(a) === signerOf(b);

/** A route to pass on: the seeder first and the latest hops, so that the next bee's fits a frame. */
const onward = (route: string[]): string[] => (route.length <= MAX_HOPS ? route : [route[0]!, ...route.slice(route.length - MAX_HOPS + 1)]);

export class Upgrades {
  /** Every version this bee runs or ran, oldest first, one apart, all signed by the founder. */
  private readonly chain: Upgrade[];
  private readonly ahead = new Map<number, Upgrade>();

  constructor(
    private readonly self: string,
    /** The founder the join link pinned, or null: the signer of the first genesis taken. */
    private readonly pin: string | null,
    private readonly links: Links,
    private readonly fx: Effects,
    private readonly counters: Counters,
    restored: readonly Upgrade[],
  ) {
    // A chain kept under another founder than the join link now pins is not this colony's.
    const founder = pin ?? (restored[0] ? signerOf(restored[0]) : null);
    this.chain = restored.every((upgrade) => signerOf(upgrade) === founder) ? [...restored] : [];
  }

  get upgrade(): Upgrade | null {
    return this.chain.at(-1) ?? null;
  }

  get version(): number {
    return this.upgrade?.version ?? 0;
  }

  /** The colony's founder, the only bee whose configs this bee takes; null until it knows. */
  get founder(): string | null {
    return this.pin ?? (this.chain[0] ? signerOf(this.chain[0]) : null);
  }

  /**
   * A config from a link, or seeded here: taken if it is the next version and the founder's,
   * kept a while if it came early, ignored if this bee has it, refused (and counted) otherwise.
   */
  offer(upgrade: Upgrade, standing: { isQueen: boolean; queen: string | null }): void {
    const { version } = upgrade;
    const founder = this.founder;
    if (version > MAX_VERSION || (version > this.version && founder !== null && signerOf(upgrade) !== founder)) {
      this.counters.upgradesRefused++; // past the last version a colony has, or not the founder's
      return;
    }
    if (version <= this.version) {
      const mine = this.chain[version - (this.chain[0]?.version ?? 1)];
      if (mine && !same(mine, upgrade)) this.counters.upgradesRefused++; // another config of a version we have
      return;
    }
    if (version > this.version + 1) {
      if (version > this.version + AHEAD) this.counters.upgradesRefused++; // a jump
      else if (!this.ahead.has(version)) this.ahead.set(version, upgrade);
      return;
    }
    let next: Upgrade | undefined = upgrade;
    while (next && this.take(next)) {
      next = this.ahead.get(this.version + 1);
      this.ahead.delete(this.version + 1);
    }
    for (const early of this.ahead.keys()) if (early <= this.version) this.ahead.delete(early);
    this.spread(standing);
  }

  /** A heartbeat told the version `link` runs: what was pushed beyond it and did not arrive is offered again. */
  heard(link: LinkState, version: number): void {
    if (version === link.version && version < link.pushed) link.pushed = version;
    link.version = version;
  }

  /** Hands the links that run an older version, and may take it from us, the versions they miss, in order. */
  spread({ isQueen, queen }: { isQueen: boolean; queen: string | null }): void {
    const first = this.chain[0];
    if (!first) return;
    const queenLinked = !isQueen && queen !== null && this.links.has(queen);
    for (const [peer, link] of this.links.open) {
      const from = Math.max(link.version, link.pushed);
      // Up to date, too far behind what we kept to take its next from us, or another colony's lineage.
      if (from >= this.version || from < first.version - 1 || (link.founder !== null && link.founder !== this.founder)) continue;
      // An observer takes the colony's config from whoever it watches.
      const allowed = link.observer || (isQueen ? link.follows === this.self || link.follows === peer : queenLinked ? peer === queen : true);
      if (!allowed) continue;
      const batch = this.chain.slice(from + 1 - first.version, from + 1 - first.version + HANDOVER_BATCH);
      link.pushed = batch.at(-1)!.version;
      for (const upgrade of batch) {
        // It passed this version on to us: it has it, and every one before it.
        if (upgrade.route.includes(peer)) continue;
        const frame: UpgradeFrame = { t: 'up', version: upgrade.version, config: upgrade.config, route: onward(upgrade.route) };
        this.fx.push({ type: 'send', peer, frame });
      }
    }
  }

  /** Takes the next version if the founder signed it (the first genesis when none is pinned). */
  private take(upgrade: Upgrade): boolean {
    const signer = signerOf(upgrade);
    if (signer === null || signer !== (this.founder ?? signer)) {
      this.counters.upgradesRefused++;
      return false;
    }
    this.chain.push(upgrade);
    this.counters.upgrades++;
    this.fx.push({ type: 'adopt', upgrade, chain: [...this.chain] });
    return true;
  }
}
