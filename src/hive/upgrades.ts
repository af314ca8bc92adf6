// Colony configs (upgrades): a bee takes a version newer than its own and passes it on. Before
// there is a queen an upgrade moves neighbour to neighbour; with one, it goes up to the queen,
// and she pushes it to her workers and the court. The driver checked the seeder's signature.

import type { Counters, Effects, Upgrade } from './events';
import { MAX_HOPS, type UpgradeFrame } from './frames';
import type { Links } from './links';

export class Upgrades {
  constructor(
    private readonly self: string,
    private readonly links: Links,
    private readonly fx: Effects,
    private readonly counters: Counters,
    private current: Upgrade | null,
  ) {}

  get upgrade(): Upgrade | null {
    return this.current;
  }

  get version(): number {
    return this.current?.version ?? 0;
  }

  /** Takes a colony config newer than ours and passes it on. */
  adopt(upgrade: Upgrade, standing: { isQueen: boolean; queen: string | null }): void {
    if (upgrade.version <= this.version || upgrade.route.length > MAX_HOPS + 1) return;
    this.current = upgrade;
    this.counters.upgrades++;
    this.fx.push({ type: 'adopt', upgrade });
    this.spread(standing);
  }

  /** Offers our version to the links that run an older one and may take it from us. */
  spread({ isQueen, queen }: { isQueen: boolean; queen: string | null }): void {
    const upgrade = this.current;
    if (!upgrade) return;
    const frame: UpgradeFrame = { t: 'up', version: upgrade.version, config: upgrade.config, route: upgrade.route };
    const queenLinked = !isQueen && queen !== null && this.links.has(queen);
    for (const [peer, link] of this.links.open) {
      if (link.version >= upgrade.version || link.pushed >= upgrade.version || upgrade.route.includes(peer)) continue;
      const allowed = isQueen ? link.follows === this.self || link.follows === peer : queenLinked ? peer === queen : true;
      if (!allowed) continue;
      link.pushed = upgrade.version;
      this.fx.push({ type: 'send', peer, frame });
    }
  }
}
