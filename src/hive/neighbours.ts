// A bee's neighbours: the bees the signaling server introduces it to, the links others open to
// it, and forgetting a bee that left. How many links a bee keeps and which it drops is links.ts's;
// here is what its role changes about them: a queen takes every worker that comes, a projector
// that founded the colony every bee, and a queen (or a queenless bee) links a stranger it is
// introduced to.

import type { Allegiance } from './allegiance';
import type { Postbox } from './delivery';
import type { Counters, HiveConfig } from './events';
import type { Warden } from './eviction';
import type { Gossip } from './gossip';
import type { HiveMap } from './hives';
import type { Links } from './links';
import type { Reign } from './queen';
import type { Roster } from './roster';
import type { Router } from './routing';
import type { Standing } from './standing';
import type { Upgrades } from './upgrades';

/** What a bee's neighbours need from the rest of the bee. */
export interface NeighboursHost {
  readonly self: string;
  readonly config: HiveConfig;
  readonly counters: Counters;
  readonly standing: Standing;
  readonly roster: Roster;
  readonly hives: HiveMap;
  readonly links: Links;
  readonly router: Router;
  readonly postbox: Postbox;
  readonly warden: Warden;
  readonly gossip: Gossip;
  readonly allegiance: Allegiance;
  readonly upgrades: Upgrades;
  /** Her reign, while this bee is queen. */
  reign(): Reign | null;
}

export class Neighbours {
  constructor(private readonly host: NeighboursHost) {}

  /** A bee left (or was evicted): off the roster, the hive map and the links; a worker whose queen it was loses her. */
  forget(bee: string, now: number): void {
    const { roster, hives, links, standing, allegiance } = this.host;
    roster.remove(bee, now);
    hives.remove(bee);
    links.forget(bee);
    if (bee === standing.queen && !this.host.reign()) allegiance.loseQueen(now);
  }

  onWelcome(peers: string[], now: number): void {
    const { links, config, roster, standing, self } = this.host;
    links.introduce(peers);
    for (let i = 0; i < config.targetNeighbours; i++) links.keepNeighbours(() => roster.others(), now);
    // A queen (or a queenless bee) introduced to a bee it has never heard of is looking at
    // another part of the colony: one link joins the two, and gossip and claims do the rest. Not
    // once its roster is full: a colony too big to know whole has strangers everywhere, and a
    // queen linked one on every sample only to shed it (a peer connection each).
    if ((this.host.reign() || (standing.queen === null && !links.full())) && !roster.full()) {
      const stranger = peers.find((peer) => peer !== self && !roster.has(peer) && !links.has(peer));
      if (stranger !== undefined) links.request(stranger, now);
    }
  }

  /**
   * Whether a link with `peer` is kept (`asked`: this bee asked for it too). Others' links are
   * accepted while there is room; a queen takes every worker that comes, her heir every member of
   * her hive (they link the heir while she is named), and a projector that founded the colony
   * every bee: its configs must reach a bee the network cut off from every other (a classroom's
   * split room heals by its order, carried on the one link that crosses the halves:
   * src/tab/classroom.ts). The transport asks it of an offer before it builds a peer connection
   * (Chrome allows ~500 per page), the link once open.
   */
  welcomes(peer: string, asked: boolean, now: number): boolean {
    const { links, warden, standing: s, self } = this.host;
    const heirTo = s.heir === self && s.membership !== null && s.membership.members.includes(peer);
    return warden.admitsLink(peer, now) && (asked || this.host.reign() !== null || heirTo || this.foundingProjector() || !links.full());
  }

  /**
   * An observer founder. A founder that is a worker keeps the usual bound: in a big colony every
   * bee's random picks would pile links onto it, a peer connection each.
   */
  private foundingProjector(): boolean {
    const { standing, upgrades, self } = this.host;
    return standing.duty === 'observer' && upgrades.founder === self;
  }

  onLinkOpen(peer: string, now: number): void {
    const { links, counters, router, gossip, postbox } = this.host;
    const kept = links.opened(peer, now, (asked) => this.welcomes(peer, asked, now));
    if (!kept) return;
    counters.linksOpened++;
    // Introduce ourselves at once so rosters and hive membership fill without waiting a beat.
    router.emit(peer, gossip.heartbeat(now));
    postbox.onLinkOpen(now);
  }
}
