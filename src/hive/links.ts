// A bee's links: the ones open and what the bee at each far end last said of itself, the ones
// being opened, the bees the signaling server introduced, and the bees that recently failed to
// link (they rest before another try). Keeps about `targetNeighbours` links in discovery mode, a
// worker its queen and the heir she names.

import type { WorkerFitness } from './election';
import type { Effects, HiveConfig } from './events';
import type { Rng } from './rng';

/** One open link and what the bee at its far end last said about itself. */
export interface LinkState extends WorkerFitness {
  lastFrameAt: number;
  /** When the far end started, on this bee's clock (from the uptime its last heartbeat reported). */
  startedAt: number;
  /** Undefined until its first heartbeat on this link. */
  follows: string | null | undefined;
  /** The hive the far end says it belongs to, and the version of its membership it holds. */
  hive: string | null;
  hiveVersion: [number, number] | null;
  /** The term the far end last reported. */
  term: number;
  /** The config version the far end last reported, and the newest we pushed it. */
  version: number;
  pushed: number;
  /** The founder of the configs the far end runs (null: none yet, or not said). */
  founder: string | null;
  /** The far end said it is an observer: it watches, and counts in no hive. */
  observer: boolean;
  /** For a queen: when she last sent this bee her claim (it did not follow her yet), and her membership (it lagged). */
  claimedAt: number;
  updatedAt: number;
  /** This bee asked for the link: it is this bee's to close when it no longer needs it. */
  asked: boolean;
}

export class Links {
  readonly open = new Map<string, LinkState>();
  /** Links we asked for and when, until they open or time out. */
  private readonly linking = new Map<string, number>();
  /** Bees the signaling server introduced: link candidates before gossip fills the roster. */
  private readonly introduced = new Set<string>();
  /** When a link to a bee last failed or was refused; such bees rest before we try again. */
  private readonly failedAt = new Map<string, number>();
  /**
   * Bees shed as a worker's or neighbour's links, or that shed ours from another hive: the rules
   * that keep a worker's and a neighbour's links leave them alone a while. Not the court's rule:
   * a worker shed yesterday may reign today.
   */
  private readonly shedAt = new Map<string, number>();
  /** Links the driver reached for lately (reach()): a worker keeps them while it asks. */
  private readonly reachedAt = new Map<string, number>();

  constructor(
    private readonly self: string,
    private readonly config: HiveConfig,
    private readonly rng: Rng,
    private readonly fx: Effects,
    /** Bees this bee refuses (banned): never asked for a link. */
    private readonly banned: (bee: string) => boolean,
  ) {}

  get size(): number {
    return this.open.size;
  }

  has(peer: string): boolean {
    return this.open.has(peer);
  }

  get(peer: string): LinkState | undefined {
    return this.open.get(peer);
  }

  /** Whether this bee asked for a link to `peer` that has not opened yet. */
  asked(peer: string): boolean {
    return this.linking.has(peer);
  }

  /** Whether `peer` was shed lately (see shedAt). */
  resting(peer: string): boolean {
    return this.shedAt.has(peer);
  }

  /** Whether a link to `peer` is open, being opened, or resting after a failure. */
  busy(peer: string): boolean {
    return this.open.has(peer) || this.linking.has(peer) || this.failedAt.has(peer);
  }

  request(peer: string, now: number): void {
    if (peer === this.self || this.open.has(peer) || this.linking.has(peer) || this.banned(peer)) return;
    this.linking.set(peer, now);
    this.fx.push({ type: 'link', peer });
  }

  /** Asks for a link to `peer` unless it is open, being opened, or resting after a failure: a caller may ask every tick. */
  reach(peer: string, now: number): void {
    this.reachedAt.set(peer, now);
    if (!this.busy(peer)) this.request(peer, now);
  }

  /**
   * Asks for a link to `peer` unless it is open, being opened, resting after a failure or shed
   * lately: rules that run every beat call this. A bee that refused us (an heir whose news of its
   * naming, or of our joining its hive, is still on its way) is asked again after a rest, not on
   * every beat: each attempt builds a peer connection.
   */
  ask(peer: string, now: number): void {
    if (!this.busy(peer) && !this.shedAt.has(peer)) this.request(peer, now);
  }

  introduce(peers: readonly string[]): void {
    for (const peer of peers) this.introduced.add(peer);
  }

  forget(bee: string): void {
    this.introduced.delete(bee);
  }

  /** A link opened: kept if `keep` says so (`asked`: this bee asked for it), closed otherwise. */
  opened(peer: string, now: number, keep: (asked: boolean) => boolean): boolean {
    const asked = this.linking.delete(peer);
    if (!keep(asked)) {
      this.fx.push({ type: 'unlink', peer });
      return false;
    }
    this.open.set(peer, { lastFrameAt: now, startedAt: now, follows: undefined, hive: null, hiveVersion: null, term: 0, uptimeMs: 0, visible: true, version: 0, pushed: 0, founder: null, observer: false, claimedAt: -Infinity, updatedAt: -Infinity, asked });
    return true;
  }

  /** Whether this bee has all the links it takes from others. */
  full(): boolean {
    return this.open.size >= this.config.maxNeighbours;
  }

  /** A link closed or failed to open; `queen`: whom this bee follows. */
  closed(peer: string, now: number, queen: string | null): void {
    if (this.linking.delete(peer)) {
      this.failedAt.set(peer, now);
      this.introduced.delete(peer);
    }
    // A worker of another hive closed a link we asked for: it shed us, and would again. The rules
    // that keep links ask again after a rest (a stale membership can name it as a hive's heir).
    const link = this.open.get(peer);
    if (link?.asked && typeof link.follows === 'string' && link.follows !== peer && link.follows !== queen) this.shedAt.set(peer, now);
    this.open.delete(peer);
  }

  drop(peer: string): void {
    this.open.delete(peer);
    this.fx.push({ type: 'unlink', peer });
  }

  /** Drops a link this bee does not need, and rests the bee: no rule of a worker's asks for it again at once. */
  private shedOne(peer: string, now: number): void {
    this.drop(peer);
    this.shedAt.set(peer, now);
  }

  /** Drops links silent for the link timeout, gives up on attempts that never opened, rests failures. */
  expire(now: number): void {
    for (const [peer, link] of this.open) if (now - link.lastFrameAt > this.config.linkTimeoutMs) this.drop(peer);
    for (const [peer, since] of this.linking) {
      if (now - since <= this.config.linkAttemptTimeoutMs) continue;
      this.linking.delete(peer);
      this.failedAt.set(peer, now);
      this.fx.push({ type: 'unlink', peer });
    }
    for (const rests of [this.failedAt, this.shedAt, this.reachedAt]) for (const [bee, at] of rests) if (now - at > this.config.linkAttemptTimeoutMs) rests.delete(bee);
  }

  /**
   * Keep about targetNeighbours links, adding one per call at most to bound churn. `known` is
   * asked only when a link is wanted: every tick calls this, and a bee that has its links would
   * copy its roster for nothing.
   */
  keepNeighbours(known: () => Iterable<string>, now: number): void {
    if (this.open.size + this.linking.size >= this.config.targetNeighbours) return;
    const candidates = [...new Set([...known(), ...this.introduced])].filter((bee) => !this.busy(bee) && !this.shedAt.has(bee));
    const peer = this.rng.pick(candidates);
    if (peer !== undefined) this.request(peer, now);
  }

  /**
   * Closes links to bees settled in other hives, past the `spare` oldest of them: a queen routes
   * her hive's traffic, and the links she once took (workers who moved to a hive she bred, eggs
   * that came to her first) would otherwise stay open for good, a peer connection each. Bees of
   * her own hive and bees in no hive keep their links; so do other queens (the court is shed by
   * its own rule, in queen.ts).
   */
  shed(members: readonly string[], spare: number, now: number): void {
    let kept = 0;
    for (const [peer, link] of this.open) {
      const elsewhere = worksElsewhere(peer, link, this.self, members) && link.follows !== peer;
      if (elsewhere && kept++ >= spare) this.shedOne(peer, now);
    }
  }

  /**
   * A worker's links: asks for its queen (its heir is asked for apart: gossip.ts heirToAsk), keeps
   * them both, and once its hive settled closes the links it asked for that it no longer needs and
   * links to bees settled in other hives. Links its hive's members asked for stay theirs to close
   * (the heir holds every worker's); bees in no hive (eggs looking for a hive), observers and links
   * its driver reaches for keep theirs. Nothing is closed while its queen is not linked: a worker
   * that follows a new queen over the mesh reaches her through those links, and without a
   * signaling server they are its only way to her.
   */
  keepHive(queen: string, heir: string | undefined, members: readonly string[], settled: boolean, now: number): void {
    this.ask(queen, now);
    if (!settled || !this.open.has(queen)) return;
    for (const [peer, link] of this.open) {
      if (peer === queen || peer === heir || now - (this.reachedAt.get(peer) ?? -Infinity) <= this.config.linkAttemptTimeoutMs) continue;
      if (worksElsewhere(peer, link, queen, members)) this.shedOne(peer, now);
      else if (link.asked) this.drop(peer);
    }
  }

  /**
   * Bees linked to us that say they follow `queen`, sorted. A queen asks several times a beat
   * (her heartbeat, her rules, each member's `stored`): one array, not three copies of her links.
   */
  followers(queen: string): string[] {
    const found: string[] = [];
    for (const [peer, link] of this.open) if (link.follows === queen) found.push(peer);
    return found.sort();
  }

  /** Linked bees that say they are queens, sorted. */
  queens(): string[] {
    const found: string[] = [];
    for (const [peer, link] of this.open) if (link.follows === peer) found.push(peer);
    return found.sort();
  }
}

/** Whether the bee on this link says it follows a queen other than `queen` and is none of `members` (nor an observer). */
function worksElsewhere(peer: string, link: LinkState, queen: string, members: readonly string[]): boolean {
  return typeof link.follows === 'string' && link.follows !== queen && !link.observer && !members.includes(peer);
}
