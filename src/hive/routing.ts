// How envelopes travel. With a queen, data goes through her ("communicate solely through her"),
// queens hand another hive's traffic to its queen, across the court a hop nearer each time
// (court-table.ts), broadcasts go down the court table's spanning tree, and everything else
// floods the mesh with a TTL, each transmission relayed once. Replies follow breadcrumbs back.
//
// Nothing here trusts `route` to leave a bee out: relays write it, unsigned, and one that listed
// bees it never met would steer later hops around them. Whom to skip comes from what this bee
// knows itself (the link an envelope came on, its signed origin); a bee that already has an
// envelope drops another copy. A route may only widen the way: a unicast hop towards a bee the
// route says was passed already (a loop) becomes a flood that still reaches every link.

import { remember } from './bounded';
import { broadcastTargets, nextHop } from './court-table';
import type { Counters, Effects, HiveConfig } from './events';
import { MAX_HOPS, type Envelope, type Frame, type Payload } from './frames';
import type { Links } from './links';
import type { Rng } from './rng';
import { SeenIds } from './seen';

export const SEEN_CAPACITY = 20_000;
export const SEEN_TTL_MS = 120_000;
/**
 * How long a queen keeps the broadcasts she fanned out for bees that start following her: a hive
 * still forming (a merge, an egg that joins late) misses nothing sent moments before it.
 */
export const RECENT_BROADCAST_MS = 15_000;
const RECENT_BROADCASTS = 32;

/** What routing needs to know of the bee's place in the colony. */
export interface Whereabouts {
  isQueen(): boolean;
  /** The queen this bee follows (null for a queen herself, and for eggs and orphans). */
  queen(): string | null;
  /** Whether `bee` reigns over a hive, as far as hive gossip told this queen. */
  reigns(bee: string): boolean;
  /** The queen `bee` works for by the address this queen keeps as its home (directory.ts), if any. */
  addressOf(bee: string, now: number): string | undefined;
  /** The queen whose hive lists `bee`, as far as hive gossip told this queen. */
  listedQueenOf(bee: string): string | undefined;
  /** The home of `bee` in the court (court-table.ts), who keeps its address: herself, when that is her. */
  homeOf(bee: string): string;
}

export class Router {
  /** Envelope ids already handled: each transmission is relayed once. */
  private readonly forwarded = new SeenIds(SEEN_CAPACITY, SEEN_TTL_MS);
  /**
   * Breadcrumbs: for each bee we heard an envelope from, the link it first arrived on. A reply
   * (a vote, an ack, a message) follows them back hop by hop instead of flooding the colony.
   */
  private readonly towards = new Map<string, string>();
  /** A queen's broadcasts fanned out lately, by envelope id, oldest first. */
  private readonly recent = new Map<string, { env: Envelope; at: number }>();

  constructor(
    private readonly self: string,
    private readonly config: HiveConfig,
    private readonly rng: Rng,
    private readonly links: Links,
    private readonly where: Whereabouts,
    private readonly fx: Effects,
    private readonly counters: Counters,
  ) {}

  /** Start an envelope of our own. */
  originate(to: string | null, p: Payload, now: number, ttl = this.config.floodTtl): void {
    const env: Envelope = { t: 'env', id: this.rng.hex(8), from: this.self, to, ttl: Math.min(ttl, MAX_HOPS), route: [this.self], p };
    this.forwarded.add(env.id, now);
    this.relay(env, null, now);
  }

  /**
   * Whether an envelope is new here: not our own come back, not a transmission already handled.
   * The court's search for a message is new to a queen that passed the message on before: on its
   * way to the home of its receiver's key she handed it on, and the search, coming back down the
   * court, must go on through her to the queens below her in the spanning tree.
   */
  fresh(env: Envelope, now: number): boolean {
    if (env.from !== this.self) {
      const unseen = this.forwarded.add(env.id, now);
      // A search is new once more, and only once; the plain copy of it a bee passes on stays a copy.
      const searchUnseen = env.search === true && this.forwarded.add(`${env.id}?`, now);
      if (unseen || searchUnseen) return true;
    }
    this.counters.duplicates++;
    return false;
  }

  /** The freshest way back towards `bee`: the link its envelope came in on. */
  cameFrom(bee: string, peer: string): void {
    remember(this.towards, bee, peer, SEEN_CAPACITY);
  }

  /** Passes a received envelope on, one hop further along `route`. */
  passOn(env: Envelope, route: string[], from: string, now: number): void {
    if (env.ttl === 0 || route.length > MAX_HOPS) return;
    this.relay({ ...env, ttl: env.ttl - 1, route }, from, now);
  }

  prune(now: number): void {
    this.forwarded.prune(now);
    for (const [id, { at }] of this.recent) {
      if (now - at <= RECENT_BROADCAST_MS) break;
      this.recent.delete(id);
    }
  }

  /**
   * A bee starts following this queen: the broadcasts she fanned out lately go to it too. One it
   * had already is dropped there as a copy (the same envelope), so each bee still delivers it once.
   */
  welcome(peer: string, now: number): void {
    for (const { env, at } of this.recent.values()) if (now - at <= RECENT_BROADCAST_MS && env.from !== peer) this.forward(peer, env);
  }

  emit(peer: string, frame: Frame): void {
    this.fx.push({ type: 'send', peer, frame });
  }

  /**
   * Where an envelope goes next. With a queen, data goes through her; queens pass it across the
   * court and fan broadcasts out to their workers and down the court table; elections and claims
   * always flood the mesh, which is also the fallback while there is no queen link.
   */
  private relay(env: Envelope, from: string | null, now: number): void {
    // Messages, and the addresses queens tell each other, go through queens and across the court.
    const isData = env.p.k === 'data' || env.p.k === 'ack' || env.p.k === 'sig' || env.p.k === 'here';
    const isQueen = this.where.isQueen();
    // A bee that knows a way for a message the court was asked about takes it off the search.
    const onward = env.search === true ? unmarked(env) : env;
    const queen = this.where.queen();
    const queenLinked = !isQueen && queen !== null && this.links.has(queen);
    if (isData && queenLinked && from !== queen && env.to !== queen) {
      this.forward(queen as string, onward);
      return;
    }
    // Across hives: a queen hands a message to the queen of the receiver's hive (the court), even
    // when she happens to link the receiver too: each queen routes her own hive's traffic.
    // A receiver we link says whom it follows in every heartbeat: fresher than the hive map.
    const follows = env.to === null ? undefined : this.links.get(env.to)?.follows;
    const ownWorker = follows === this.self;
    const theirQueen = typeof follows === 'string' && follows !== env.to ? follows : undefined;
    const way = env.to === null ? undefined : this.towards.get(env.to);
    const wayBack = way !== undefined && way !== from && this.links.has(way) && !env.route.includes(way) ? way : undefined;
    // What she knows of its hive comes first; a message she could aim at no more than a guess at
    // its home goes back along the breadcrumbs its receiver's own envelopes left (a reply, mostly).
    const hiveQueen = env.to === null || !isQueen || ownWorker ? undefined : (theirQueen ?? this.aim(env.to, env.via, now) ?? (wayBack === undefined ? this.where.homeOf(env.to) : undefined));
    if (isData && hiveQueen !== undefined && hiveQueen !== from && this.links.has(hiveQueen) && !env.route.includes(hiveQueen)) {
      this.forward(hiveQueen, env.via === undefined || env.via === hiveQueen ? onward : { ...onward, via: hiveQueen });
      return;
    }
    if (env.to !== null && this.links.has(env.to)) {
      this.forward(env.to, onward);
      return;
    }
    // A queen she does not link is reached across the court, a hop nearer each time.
    const hop = !isData || hiveQueen === undefined || hiveQueen === from || env.route.includes(hiveQueen) ? undefined : nextHop(this.self, hiveQueen, this.courtExcept(from, env.route));
    if (hop !== undefined) {
      this.forward(hop, { ...onward, via: hiveQueen });
      return;
    }
    if (isData && env.to === null && isQueen) {
      this.fanOut(env, from);
      if (env.p.k === 'data') remember(this.recent, env.id, { env, at: now }, RECENT_BROADCASTS);
      return;
    }
    if (wayBack !== undefined) {
      this.forward(wayBack, onward);
      return;
    }
    // The queen has already fanned this broadcast out to every bee she links; don't echo it.
    if (isData && env.to === null && queenLinked && from === queen) return;
    // An address with no way to its home waits for the next renewal, when the court table has
    // filled: flooded, the notices of hundreds of hives forming at once outnumbered heartbeats.
    if (env.p.k === 'here') return;
    // A queen who does not know the receiver's way asks the court (and queenless bees): a worker
    // of hers would be the receiver itself, and another hive's worker is its queen's to reach.
    if (isData && env.to !== null && isQueen) {
      this.search(env, from);
      return;
    }
    // The court's search, come to a bee outside the court (a queen took it for an egg), goes on
    // to the bees on its links that follow nobody, still marked. Passed to every link unmarked, it
    // reached queens ahead of the search, and each asked the court again (seed 3 of the court
    // search test's colony: 117 frames for 44 queens).
    if (env.search === true && !isQueen) {
      this.toQueenless(env, from);
      return;
    }
    for (const [peer] of this.links.open) if (peer !== from && peer !== env.from) this.forward(peer, onward);
  }

  /**
   * Asks the court for a message's receiver: down the court table's spanning tree, as a broadcast
   * goes, so that each queen hears of it once. Flooded over every court link instead, one search
   * cost 5,000 frames in a colony of 3,000 bees (450 queens, 11 court links each).
   */
  private search(env: Envelope, from: string | null): void {
    const sought: Envelope = env.search === true ? env : { ...env, search: true };
    this.toQueenless(sought, from);
    // Starting it, she asks the queen who handed her the message too: it came to her unmarked, on
    // its way here, and the queens below that one in the spanning tree are hers to ask.
    const started = env.search !== true;
    this.downTheCourt(sought, started ? null : from, !started);
  }

  /** To the bees on this bee's links that follow nobody (eggs, orphans, observers), but where it came from. */
  private toQueenless(env: Envelope, from: string | null): void {
    for (const [peer, link] of this.links.open) {
      if (peer !== from && peer !== env.from && (link.follows === null || link.follows === undefined)) this.forward(peer, env);
    }
  }

  /**
   * The queen a queen sends a message for `bee` towards: `bee` itself if it reigns (a worker's
   * address outlives its crowning by seconds); else the one its address with her says (its queen
   * told her, as its home); else the one the queen before her aimed at (`via`), unless that is
   * herself; else the one whose hive lists it. An address comes before `via`: a queen before her
   * that did not know aimed at the home she guessed, and the home, passing over what she knew for
   * that guess, left the message stuck a hop on. Hive lists come after it: two parts of the court
   * whose lists disagree on a worker that moved would turn a message back and forth.
   */
  private aim(bee: string, via: string | undefined, now: number): string | undefined {
    if (this.where.reigns(bee)) return bee;
    return this.where.addressOf(bee, now) ?? this.reigning(via === this.self ? undefined : via) ?? this.reigning(this.where.listedQueenOf(bee));
  }

  /**
   * `queen`, unless she is linked and says she follows another: no queen, whatever gossip still
   * says of the hive she had (a queen who merged her hive into another lingers in maps a while).
   */
  private reigning(queen: string | undefined): string | undefined {
    const follows = queen === undefined ? undefined : this.links.get(queen)?.follows;
    return typeof follows === 'string' && follows !== queen ? undefined : queen;
  }

  /** Queens linked in the court, other than `from` and those the envelope passed already. */
  private courtExcept(from: string | null, route: readonly string[]): string[] {
    return this.links.queens().filter((queen) => queen !== from && !route.includes(queen));
  }

  /**
   * A queen passes a broadcast to her workers, to the bees on her links that follow nobody (eggs,
   * orphans, observers), and down the court's spanning tree: each queen of the colony gets it once.
   */
  private fanOut(env: Envelope, from: string | null): void {
    for (const [peer, link] of this.links.open) {
      if (peer === from || peer === env.from || link.follows === peer) continue;
      if (link.follows === this.self || link.follows === null || link.follows === undefined) this.forward(peer, env);
    }
    this.downTheCourt(env, from, true);
  }

  /**
   * Down the court table's spanning tree: one queen per bucket deeper than the one of the queen who
   * handed the envelope down to this one (`cameDown`), every bucket where the walk starts here.
   */
  private downTheCourt(env: Envelope, from: string | null, cameDown: boolean): void {
    const fromQueen = cameDown && from !== null && this.links.get(from)?.follows === from ? from : null;
    for (const queen of broadcastTargets(this.self, fromQueen, this.links.queens())) if (queen !== from && queen !== env.from) this.forward(queen, env);
  }

  private forward(peer: string, env: Envelope): void {
    this.emit(peer, env);
    this.counters.forwarded++;
  }
}

/** An envelope without the mark of the court's search. */
const unmarked = ({ search: _, ...env }: Envelope): Envelope => env;
