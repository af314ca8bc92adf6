// Gossip: what a bee tells its neighbours in a heartbeat (roster news, the hives it knows, whom
// it follows, how good a queen it would make) and what it learns from theirs, and how long news
// keeps in a colony too big for every heartbeat to mention everyone. When a heartbeat goes out
// is the protocol's beat (protocol.ts).

import { courtKey } from './court-table';
import type { HiveConfig } from './events';
import { MAX_HIVE_ENTRIES, type Heartbeat } from './frames';
import type { HiveMap } from './hives';
import type { LinkState, Links } from './links';
import { isMember } from './membership';
import type { Reign } from './queen';
import { ROTATING_DIGEST_ENTRIES, type Roster } from './roster';
import type { Standing } from './standing';
import type { Upgrades } from './upgrades';

/** Rotation rounds without news of a bee (or a hive) before it is forgotten in a big colony. */
const ROSTER_TIMEOUT_ROUNDS = 4;
/** Hives a worker's heartbeat tells of (a queen's and an egg's: MAX_HIVE_ENTRIES). */
const WORKER_HIVE_ENTRIES = 8;
/** Roster entries a heartbeat carries from a bee in a hive: the news, not the census. */
const HIVE_DIGEST_ENTRIES = 24;

/** Hives a queen tells a court queen of from near that queen in the key space, in a big colony. */
const NEIGHBOURHOOD_ENTRIES = 4;

/** A heartbeat to a queen leaves out her own hive: she takes no news of it from others (hives.ts). */
const withoutHiveOf = (beat: Heartbeat, peer: string): Heartbeat =>
  beat.hives.some((hive) => hive.queen === peer) ? { ...beat, hives: beat.hives.filter((hive) => hive.queen !== peer) } : beat;

/** What gossip needs from the rest of the bee. */
export interface GossipHost {
  readonly self: string;
  readonly config: HiveConfig;
  readonly standing: Standing;
  readonly roster: Roster;
  readonly hives: HiveMap;
  readonly links: Links;
  readonly upgrades: Upgrades;
  /** Her reign, while this bee is queen. */
  reign(): Reign | null;
  /** A queen's workers. */
  workers(): string[];
  /** The hive this bee shows: its queen's, or the one it is a member of. */
  hive(): string | null;
  uptimeMs(now: number): number;
  visible(): boolean;
  whereabouts(): { isQueen: boolean; queen: string | null };
  /** Whether `bee` is banned: news of it is not taken. */
  isBanned(bee: string): boolean;
  /** A bee on a link started to follow this queen (eviction.ts watches how fast they come). */
  newWorker(peer: string, now: number): void;
}

export class Gossip {
  /** A queen's next beat is a light one (every other beat). */
  private lightNext = false;
  /** The workers a queen's last beat listed: a light beat lists them again only when they changed. */
  private toldWorkers: readonly string[] | null = null;

  constructor(private readonly host: GossipHost) {}

  heartbeat(now: number): Heartbeat {
    // Inside a hive the queen's heartbeats carry liveness, and hive gossip tells where every bee
    // works: a bee there passes on only roster news, not a colony-wide census. Queens (for the
    // court) and eggs (to find a hive) need the hive map most; a worker passes on a little of it.
    const { standing, roster, hives, upgrades } = this.host;
    const reign = this.host.reign();
    const { queen, term } = standing;
    const inHive = queen !== null;
    const worker = inHive && !reign;
    const observer = standing.duty === 'observer';
    // A queen beats twice as often as the others so that her workers miss her soon (pulse.ts);
    // every other beat of hers is light: her own liveness and her hive's stamp, no gossip, which
    // goes at the others' pace. Her workers' lists go out again only when they changed.
    const light = reign !== null && this.lightNext;
    this.lightNext = reign !== null && !light;
    const own = reign ? reign.entry(now, this.host.workers()) : null;
    if (own && light && own.workers === this.toldWorkers) own.workers = [];
    else if (own) this.toldWorkers = own.workers;
    const digest = roster.digest(now, light ? 1 : inHive ? HIVE_DIGEST_ENTRIES : undefined);
    return {
      t: 'hb',
      // An observer passes no news on, of others (it would join parts the network cut) or of
      // itself (no roster, so no founding membership, ever counts it).
      digest: observer ? [] : digest,
      hives: observer ? [] : light && own ? [own] : hives.digest(own, worker ? WORKER_HIVE_ENTRIES : MAX_HIVE_ENTRIES),
      term,
      queen,
      hive: this.host.hive(),
      hiveVersion: standing.membership && [standing.membership.term, standing.membership.epoch],
      uptimeMs: this.host.uptimeMs(now),
      visible: this.host.visible(),
      version: upgrades.version,
      founder: upgrades.founder,
      ...(observer ? { observer: true as const } : {}),
      ...(reign?.heir ? { heir: reign.heir } : {}),
    };
  }

  /**
   * The heartbeat `beat` as it goes to `peer`. To a queen it leaves out her own hive; from a queen
   * whose map is too big for one heartbeat, a full beat to a court queen also names the hives
   * nearest that queen in the key space, in place of the last of the rotating ones. The court's
   * spanning tree needs every queen to link one queen in each bucket of hers, and the deepest
   * buckets hold a handful of queens: gossip that mentions each hive now and then left some of
   * them unknown for seconds (10,000 bees: 67 of 1,506 queens, 69 buckets), and what came down
   * that branch of the tree missed them.
   */
  beatFor(beat: Heartbeat, peer: string, link: LinkState): Heartbeat {
    const told = withoutHiveOf(beat, peer);
    const { hives } = this.host;
    // A light beat names her own hive alone, and a small colony's names every hive already.
    const full = told.hives.length >= MAX_HIVE_ENTRIES - 1 && hives.size >= MAX_HIVE_ENTRIES;
    if (!full || link.follows !== peer || !this.host.reign()) return told;
    const named = new Set(told.hives.map((hive) => hive.queen));
    const near = hives.nearest(courtKey(peer), NEIGHBOURHOOD_ENTRIES, peer).filter((hive) => !named.has(hive.queen));
    return near.length === 0 ? told : { ...told, hives: [...told.hives.slice(0, MAX_HIVE_ENTRIES - near.length), ...near] };
  }

  onHeartbeat(peer: string, link: LinkState, frame: Heartbeat, now: number): void {
    const { standing: s, roster, hives, links, upgrades, self } = this.host;
    const reign = this.host.reign();
    for (const [bee, beat] of frame.digest) if (!this.host.isBanned(bee)) roster.merge(bee, beat, now);
    if (reign && frame.queen === self && link.follows !== self) this.host.newWorker(peer, now);
    // Fresh news of our queen's hive: she is alive.
    for (const hive of frame.hives) if (hives.merge(hive, now) && hive.queen === s.queen) s.heardAt = now;
    // A bee that follows another reigns no more: gossip may still carry its hive for seconds, and
    // a queen would keep linking it as a court contact and shedding it as another hive's worker.
    if (frame.queen !== null && frame.queen !== peer) hives.remove(peer);
    link.follows = frame.queen;
    link.hive = frame.hive;
    link.hiveVersion = frame.hiveVersion;
    link.term = frame.term;
    link.uptimeMs = frame.uptimeMs;
    link.startedAt = now - frame.uptimeMs;
    link.visible = frame.visible;
    upgrades.heard(link, frame.version);
    link.founder = frame.founder ?? null;
    link.observer = frame.observer === true;
    if (upgrades.version > frame.version) upgrades.spread(this.host.whereabouts());
    // The queen's own heartbeat on a direct link is as good as her claim; its gaps time her pulse.
    if (peer === s.queen && frame.queen === peer && !reign) {
      s.heardAt = now;
      s.pulse.beat(now, frame.visible);
      // The heir hears of its naming in the same beat as the rest of her hive: they take her word
      // once a second beat repeats it, or their links would race the news and be refused.
      const named = frame.heir ?? null;
      s.heir = named === self || named === s.named ? named : null;
      s.named = named;
      // Then link the heir at once, not a tick later: whoever reigns next should find the link open.
      const heir = this.heirToAsk();
      if (heir !== null) links.ask(heir, now);
    }
    // An egg links at once to the queen its neighbour follows, while her hive has room: her
    // claim answers the link, and the egg works for her without waiting for a tick.
    if (!reign && s.queen === null && s.membership === null && s.duty === 'worker' && frame.queen !== null && frame.queen !== self && this.hasRoom(frame.queen)) {
      links.request(frame.queen, now);
    }
    // So does an orphan, to the queen a member of its hive follows now: her claim tells the rest.
    if (!reign && s.queen === null && s.membership !== null && frame.hive === s.membership.hive && frame.queen !== null && frame.queen !== self) {
      links.request(frame.queen, now);
    }
    if (reign) {
      reign.heard(peer, now);
      reign.worksIn(peer, frame.hive, now);
      if (frame.queen !== self) reign.offerClaim(peer, link, now);
      else reign.update(peer, link, now);
    }
  }

  /**
   * The heir this worker asks for a link, if any: only as a member of her hive (the heir takes
   * members' links only), and only while her hive is within capacity. Over it she is about to
   * breed: most of her workers will move, and her heir, the fittest, is the first she breeds, so
   * a crowd that all joined one hive would each link an heir it drops seconds later. She still
   * names one (it campaigns first should she fall silent); links already open stay.
   */
  heirToAsk(): string | null {
    const { standing: s, hives, config, self } = this.host;
    const { heir, queen, membership } = s;
    if (heir === null || heir === self || queen === null || membership === null || !isMember(membership, self) || !isMember(membership, queen)) return null;
    const size = hives.get(queen)?.size;
    return size !== undefined && size > config.capacity ? null : heir;
  }

  /** Whether the hive of `queen` takes another worker, as far as hive gossip tells (unknown: it may). */
  private hasRoom(queen: string): boolean {
    const hive = this.host.hives.get(queen);
    return hive === undefined || hive.size < this.host.config.capacity;
  }

  /** Forgets the bees and hives nobody told of for too long. */
  expire(now: number): void {
    const { roster, hives, links } = this.host;
    for (const bee of roster.expire(now, this.rosterTimeout())) links.forget(bee);
    hives.expire(now, this.hiveTimeout());
  }

  /**
   * A big roster takes a while to rotate through a digest: each neighbour mentions a bee once
   * every size / ROTATING_DIGEST_ENTRIES beats. Wait a few such rounds before calling it gone;
   * small colonies keep the configured timeout.
   */
  private rosterTimeout(): number {
    const { config, roster, links } = this.host;
    const roundMs = (config.heartbeatIntervalMs * roster.size) / ROTATING_DIGEST_ENTRIES / Math.max(1, links.size);
    return Math.max(config.rosterTimeoutMs, ROSTER_TIMEOUT_ROUNDS * roundMs);
  }

  /** Like the roster's: hive news rotates through big colonies too. */
  private hiveTimeout(): number {
    const { config, hives, links } = this.host;
    const roundMs = (config.heartbeatIntervalMs * hives.size) / (MAX_HIVE_ENTRIES / 2) / Math.max(1, links.size);
    return Math.max(config.hiveTimeoutMs, ROSTER_TIMEOUT_ROUNDS * roundMs);
  }
}
