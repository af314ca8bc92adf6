// A bee's parts, built once and wired to each other. Each module reaches the rest of the bee only
// through the host it declares (the Warden's, the Router's, Reign's Court, GossipHost,
// CandidacyHost, AllegianceHost, NeighboursHost, ViewHost); what a part needs of protocol.ts
// itself, the role changes and the few things protocol.ts keeps (her reign, its campaign, its
// uptime, whether its page is visible, its relay rate), comes through `Core`. Nothing here
// changes a role.

import { Allegiance } from './allegiance';
import type { Campaign } from './campaign';
import { Candidacy } from './candidacy';
import type { Claim, Notary } from './certificate';
import { Postbox } from './delivery';
import { ELECTION_RULES, type ElectionRules } from './election';
import { DEFAULT_CONFIG, Effects, noCounters, NOTHING_RESTORED, type Counters, type HiveConfig, type Restored } from './events';
import { Warden } from './eviction';
import { Gossip } from './gossip';
import { Directory } from './directory';
import { HiveMap, WORKER_HIVE_LIMIT } from './hives';
import { Links } from './links';
import { Neighbours } from './neighbours';
import type { Court, Reign } from './queen';
import type { Rng } from './rng';
import { Roster } from './roster';
import { Router } from './routing';
import { Standing } from './standing';
import { Upgrades } from './upgrades';
import { View } from './view';

export interface ProtocolOptions {
  config?: HiveConfig;
  /** The rules elections run by (the simulator breaks them on purpose to test its checker). */
  rules?: ElectionRules;
  restored?: Restored;
}

/** What the parts need of protocol.ts: the role changes (one place each), and what it keeps. */
export interface Core {
  /** Her reign, while this bee is queen. */
  reign(): Reign | null;
  /** Its campaign, while this bee is a candidate. */
  campaign(): Campaign | null;
  uptimeMs(now: number): number;
  visible(): boolean;
  relayRate(): number;
  becomeWorker(queen: string, hive: string, reign: number, now: number): void;
  becomeEgg(now: number): void;
  becomeCandidate(campaign: Campaign, now: number): void;
  standDown(): void;
  becomeQueen(claim: Claim, now: number): void;
  stepDown(now: number): void;
}

/** The parts protocol.ts dispatches to and reads. */
export interface Parts {
  readonly config: HiveConfig;
  readonly fx: Effects;
  readonly counters: Counters;
  readonly roster: Roster;
  readonly standing: Standing;
  readonly warden: Warden;
  readonly links: Links;
  readonly router: Router;
  readonly postbox: Postbox;
  readonly upgrades: Upgrades;
  readonly view: View;
  readonly gossip: Gossip;
  readonly candidacy: Candidacy;
  readonly allegiance: Allegiance;
  readonly neighbours: Neighbours;
  /** What a reign needs of the bee: each reign this bee begins is given it (queen.ts). */
  readonly court: Court;
  readonly directory: Directory;
}

/** Builds a bee's parts and wires them to each other and to `core`. */
export function assemble(id: string, rng: Rng, notary: Notary, options: ProtocolOptions, core: Core): Parts {
  const fx = new Effects();
  const counters = noCounters();
  const restored = options.restored ?? NOTHING_RESTORED;
  // Its own copy: the colony's config changes some settings of it as it goes (settings.ts).
  const config = { ...(options.config ?? DEFAULT_CONFIG) };
  const rules = options.rules ?? ELECTION_RULES;
  const roster = new Roster(id, config.rosterTimeoutMs);
  const hives = new HiveMap(
    id,
    () => (standing.duty === 'queen' ? Infinity : WORKER_HIVE_LIMIT),
    () => standing.duty === 'queen',
  );
  const standing = new Standing(fx, restored);
  const warden: Warden = new Warden(
    {
      id,
      isQueen: () => standing.duty === 'queen',
      queen: () => standing.queen,
      formerQueen: () => standing.formerQueen,
      peers: () => links.open.keys(),
      announce: (to, p, now) => router.originate(to, p, now),
      cut: (peer) => links.has(peer) && links.drop(peer),
      forget: (bee, now) => neighbours.forget(bee, now),
      banned: (ban) => fx.push({ type: 'banned', ban }),
      evicted: (ban) => fx.push({ type: 'evicted', ban }),
    },
    restored.bans,
  );
  const links: Links = new Links(id, config, rng, fx, (bee) => warden.isBanned(bee));
  const directory = new Directory();
  const router = new Router(id, config, rng, links, {
    isQueen: () => standing.duty === 'queen',
    queen: () => (standing.duty === 'queen' ? null : standing.queen),
    reigns: (bee) => hives.get(bee) !== undefined,
    addressOf: (bee, now) => directory.lookup(bee, now),
    listedQueenOf: (bee) => hives.queenOf(bee),
    homeOf: (bee) => hives.homeOf(bee),
  }, fx, counters);
  const postbox = new Postbox(id, config, rng, router, { links: () => links.size, known: () => roster.size }, fx, counters, restored.deliveredIds);
  const upgrades = new Upgrades(id, config.founder, links, fx, counters, restored.upgrades ?? []);
  const view = new View({
    self: id, config, standing, links, roster, hives, upgrades, warden, counters,
    reign: () => core.reign(),
    relayRate: () => core.relayRate(),
  });
  const gossip = new Gossip({
    self: id, config, standing, roster, hives, links, upgrades,
    reign: () => core.reign(),
    workers: () => view.workers(),
    hive: () => view.shown().hive,
    uptimeMs: (now) => core.uptimeMs(now),
    visible: () => core.visible(),
    whereabouts: () => view.whereabouts(),
    isBanned: (bee) => warden.isBanned(bee),
    newWorker: (peer, now) => {
      warden.onNewWorker(peer, now);
      router.welcome(peer, now);
    },
  });
  const candidacy: Candidacy = new Candidacy({
    self: id, config, rules, rng, notary, standing, links, roster, router, counters,
    campaign: () => core.campaign(),
    reigning: () => core.reign() !== null,
    queenTrusted: (now) => allegiance.queenTrusted(now),
    fitness: (now) => ({ uptimeMs: core.uptimeMs(now), visible: core.visible() }),
    becomeCandidate: (campaign, now) => core.becomeCandidate(campaign, now),
    standDown: () => core.standDown(),
    becomeQueen: (claim, now) => core.becomeQueen(claim, now),
  });
  const allegiance: Allegiance = new Allegiance({
    self: id, config, rules, rng, notary, fx, standing, links, hives, router, counters, candidacy,
    reign: () => core.reign(),
    workers: () => view.workers(),
    forgedClaim: (claimant, now) => warden.onForgedClaim(claimant, now),
    becomeWorker: (queen, hive, reign, now) => core.becomeWorker(queen, hive, reign, now),
    becomeEgg: (now) => core.becomeEgg(now),
    becomeQueen: (claim, now) => core.becomeQueen(claim, now),
    stepDown: (now) => core.stepDown(now),
  });
  const neighbours: Neighbours = new Neighbours({
    self: id, config, counters, standing, roster, hives, links, router, postbox, warden, gossip, allegiance, upgrades,
    reign: () => core.reign(),
  });
  const court: Court = {
    self: id, config, rng, notary, links, hives, router, standing, counters,
    joinHive: (queen: string, now: number) => {
      core.becomeEgg(now);
      links.request(queen, now);
    },
  };
  return { config, fx, counters, roster, standing, warden, links, router, postbox, upgrades, view, gossip, candidacy, allegiance, neighbours, court, directory };
}
