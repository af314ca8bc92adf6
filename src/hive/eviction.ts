// The queen's second job: destroying compromised workers. Every bee tallies the misconduct it can
// see for itself, per link (malformed, unsigned, forged and replayed frames: an honest relay drops
// those before passing them on, so the link they came on is the culprit) and per signed origin
// (oversized payloads, floods, throne claims whose certificate does not verify: the signature
// proves who chose them, and relays never pass them on). Limits sit far above what honest
// bees do, but for a forged certificate, which is proof. A queen evicts a bee
// that crosses one: a signed notice floods the colony, every bee that follows her bans the bee,
// drops its envelopes and closes its links. A worker that sees misconduct only shuts that
// neighbour out for a while; banning is the queen's word.

import type { Envelope, Offence, Payload } from './frames';
import { MAX_DETAIL_CHARS, OFFENCES } from './frames';
import { remember } from './bounded';

export interface ConductLimits {
  /** Counted offences add up over windows this long. */
  windowMs: number;
  /** Offences of each kind, on one link within one window, that condemn its bee. */
  malformed: number;
  unsigned: number;
  forged: number;
  replayed: number;
  /** Payloads over MAX_PAYLOAD_BYTES one bee signed within one window that condemn it. */
  oversized: number;
  /** Claims with a certificate that does not verify, from one bee within one window, that condemn it. */
  usurp: number;
  /**
   * Envelopes other than acks one bee may originate per floodWindowMs, and their payload bytes.
   * An honest driver paces its messages (pacer.ts) below both: DEFAULT_PACE allows at most 1,328
   * envelopes and 6.75 MiB in 2 s, retransmissions included. A queen relays a bee within both.
   */
  floodEnvelopes: number;
  floodBytes: number;
  floodWindowMs: number;
  /** How long a worker keeps a misbehaving neighbour out. */
  quarantineMs: number;
  /** A banned bee's link stays open this long, so the eviction notice reaches it too. */
  cutAfterMs: number;
  /** Bans kept; the oldest go first. */
  maxBans: number;
  /** Bans a queen hands each new worker, newest first. */
  bansForNewWorkers: number;
}

export const CONDUCT_LIMITS: ConductLimits = {
  windowMs: 10_000,
  malformed: 10,
  unsigned: 3,
  forged: 3,
  replayed: 5,
  // One is proof: an honest guard refuses to sign a payload over the limit.
  oversized: 1,
  // One is proof: an honest queen's certificate verifies everywhere, and only she signs her claim.
  usurp: 1,
  floodEnvelopes: 2000,
  floodBytes: 8 * 1024 * 1024,
  floodWindowMs: 2000,
  quarantineMs: 60_000,
  cutAfterMs: 500,
  maxBans: 256,
  bansForNewWorkers: 32,
};

/** A payload's size as the flood limit counts it: its JSON, as it crossed the wire. */
const payloadBytes = (p: Payload): number => JSON.stringify(p).length;

/** Bees and origins whose tallies are kept (a limit on everything). */
const MAX_TALLIES = 10_000;

/** Offences the driver reports about a link (the rest the warden sees in the frames themselves). */
export type LinkOffence = Extract<Offence, 'malformed' | 'unsigned' | 'forged' | 'replayed'>;

export interface Ban {
  bee: string;
  /** The queen whose word it is. */
  by: string;
  offence: Offence;
  detail: string;
  at: number;
}

export interface ConductSnapshot {
  /** Bees this bee refuses, oldest first. */
  banned: Ban[];
  /** Why this bee was evicted, or null. */
  evicted: Ban | null;
  /** Bees condemned here, by offence. */
  condemned: Record<Offence, number>;
  /** Links refused because the far end is banned or shut out. */
  refused: number;
  /**
   * Offences this bee counted against each bee (floods only once condemned): what tests check
   * honest bees never earn. Bounded like the tallies.
   */
  charged: Record<string, number>;
}

/** What the warden needs of the protocol it guards. */
export interface WardenHost {
  readonly id: string;
  isQueen(): boolean;
  queen(): string | null;
  /** The queen followed before the current one was lost (a notice may trail her departure). */
  formerQueen(): string | null;
  peers(): Iterable<string>;
  /** Originate an envelope of this bee's own (signed on the way out). */
  announce(to: string | null, p: Payload, now: number): void;
  /** Close the link to `peer`, if there is one. */
  cut(peer: string): void;
  /** Drop `bee` from the roster. */
  forget(bee: string, now: number): void;
  banned(ban: Ban): void;
  evicted(ban: Ban): void;
}

/** Offences (or, for floods, envelopes and their bytes) counted against one bee in one window. */
interface Tally {
  since: number;
  count: number;
  bytes: number;
}


export class Warden {
  private readonly bans = new Map<string, Ban>();
  /**
   * Per offence, each bee's tally in its current window, the oldest window first: a tick drops
   * the windows that are over, so what a bee keeps follows the traffic of a window, not the colony.
   */
  private readonly tallies = new Map<Offence, Map<string, Tally>>(OFFENCES.map((offence) => [offence, new Map()]));
  private readonly quarantined = new Map<string, number>();
  /** Banned bees whose links close once the notice has had time to reach them. */
  private readonly cuts = new Map<string, number>();
  private readonly condemned = Object.fromEntries(OFFENCES.map((offence) => [offence, 0])) as Record<Offence, number>;
  private readonly charged = new Map<string, number>();
  private refused = 0;
  private eviction: Ban | null = null;

  constructor(
    private readonly host: WardenHost,
    restored: readonly Ban[] = [],
    private readonly limits: ConductLimits = CONDUCT_LIMITS,
  ) {
    for (const ban of restored) remember(this.bans, ban.bee, ban, limits.maxBans);
  }

  get evicted(): boolean {
    return this.eviction !== null;
  }

  isBanned(bee: string): boolean {
    return this.bans.has(bee);
  }

  /** Whether `peer` is banned or shut out for now. */
  refuses(peer: string, now: number): boolean {
    return this.bans.has(peer) || (this.quarantined.get(peer) ?? -Infinity) > now;
  }

  /** Whether a link to or from `peer` may be used; counts the refusals. */
  admitsLink(peer: string, now: number): boolean {
    if (!this.refuses(peer, now)) return true;
    this.refused++;
    return false;
  }

  /** What the driver saw on a link: a frame that did not parse, or an envelope its guard dropped. */
  onLinkOffence(peer: string, offence: LinkOffence, now: number): void {
    const { count } = this.tally(offence, peer, now);
    if (count >= this.limits[offence]) this.condemn(peer, offence, `${count} ${offence} frames in ${this.limits.windowMs / 1000} s`, now);
  }

  /**
   * An envelope `origin` signed with a payload over the limit (the driver's guard verified the
   * signature and dropped it): charged to its signer, never to the relay that brought it.
   */
  onOversized(origin: string, now: number): void {
    const { count } = this.tally('oversized', origin, now);
    if (count >= this.limits.oversized) this.condemn(origin, 'oversized', `signed ${count} payloads over the size limit`, now);
  }

  /**
   * Judges an envelope the protocol has not seen before, from the link to `peer`; false drops it.
   * Its origin is authentic (the driver checked the signature), so floods and claims are charged
   * to the origin. A claim is judged by what the claimant said of itself on its own link to this
   * bee; without such a link this bee cannot judge it.
   */
  admits(peer: string, env: Envelope, now: number): boolean {
    if (this.bans.has(env.from) || this.bans.has(peer)) return false;
    if (env.p.k === 'ack') return true;
    const { floodEnvelopes, floodBytes, floodWindowMs } = this.limits;
    const { count, bytes } = this.tally('flood', env.from, now, payloadBytes(env.p));
    if (count <= floodEnvelopes && bytes <= floodBytes) return true;
    const over = count > floodEnvelopes ? `${floodEnvelopes} envelopes` : `${floodBytes / (1024 * 1024)} MiB`;
    this.condemn(env.from, 'flood', `over ${over} in ${floodWindowMs / 1000} s`, now);
    return false;
  }

  /**
   * A claim whose certificate does not verify: its claimant signed a throne it was never given
   * (an honest queen's certificate verifies everywhere, and relays cannot touch what she signed).
   */
  onForgedClaim(claimant: string, now: number): void {
    const { count } = this.tally('usurp', claimant, now);
    if (count >= this.limits.usurp) this.condemn(claimant, 'usurp', `claimed a throne with a certificate that does not verify (${count} times)`, now);
  }

  /**
   * An eviction notice: the word of the queen this bee follows (or followed until just now) is
   * law; anyone else's is ignored. Returns whether the flood goes on.
   */
  onNotice(from: string, p: Extract<Payload, { k: 'evict' }>, now: number): boolean {
    const queen = this.host.queen() ?? this.host.formerQueen();
    if (this.host.isQueen() || from !== queen) return false;
    const ban: Ban = { bee: p.bee, by: from, offence: p.offence, detail: p.detail, at: now };
    if (p.bee === this.host.id) {
      this.eviction = ban;
      for (const peer of [...this.host.peers()]) this.host.cut(peer);
      this.host.evicted(ban);
      return false;
    }
    if (!this.bans.has(p.bee)) this.ban(ban, now);
    return true;
  }

  /** A bee just became this queen's worker: it learns whom the hive has banned. */
  onNewWorker(peer: string, now: number): void {
    const recent = [...this.bans.values()].slice(-this.limits.bansForNewWorkers);
    for (const ban of recent) this.host.announce(peer, { k: 'evict', bee: ban.bee, offence: ban.offence, detail: ban.detail }, now);
  }

  onTick(now: number): void {
    for (const [bee, at] of this.cuts) {
      if (at > now) continue;
      this.cuts.delete(bee);
      this.host.cut(bee);
    }
    for (const [bee, until] of this.quarantined) if (until <= now) this.quarantined.delete(bee);
    // A window restarted moves its tally to the end (remember), so the ones over come first.
    for (const [offence, kept] of this.tallies) {
      for (const [bee, tally] of kept) {
        if (now - tally.since < this.windowOf(offence)) break;
        kept.delete(bee);
      }
    }
  }

  snapshot(): ConductSnapshot {
    return { banned: [...this.bans.values()], evicted: this.eviction, condemned: { ...this.condemned }, refused: this.refused, charged: Object.fromEntries(this.charged) };
  }

  /** Counts one `offence` (of `bytes`) against `bee` in its current window; returns the tally. */
  private tally(offence: Offence, bee: string, now: number, bytes = 0): Tally {
    const kept = this.tallies.get(offence) as Map<string, Tally>;
    let tally = kept.get(bee);
    if (!tally || now - tally.since >= this.windowOf(offence)) {
      tally = { since: now, count: 0, bytes: 0 };
      remember(kept, bee, tally, MAX_TALLIES);
    }
    if (offence !== 'flood') this.charge(bee);
    tally.count++;
    tally.bytes += bytes;
    return tally;
  }

  private windowOf(offence: Offence): number {
    return offence === 'flood' ? this.limits.floodWindowMs : this.limits.windowMs;
  }

  /** Tallies kept, over every offence (tests read it). */
  get tallied(): number {
    let n = 0;
    for (const kept of this.tallies.values()) n += kept.size;
    return n;
  }

  private charge(bee: string): void {
    remember(this.charged, bee, (this.charged.get(bee) ?? 0) + 1, MAX_TALLIES);
  }

  private condemn(bee: string, offence: Offence, detail: string, now: number): void {
    if (bee === this.host.id || this.bans.has(bee)) return;
    this.condemned[offence]++;
    if (offence === 'flood') this.charge(bee);
    if (this.host.isQueen()) {
      const ban: Ban = { bee, by: this.host.id, offence, detail: detail.slice(0, MAX_DETAIL_CHARS), at: now };
      this.ban(ban, now);
      this.host.announce(null, { k: 'evict', bee, offence, detail: ban.detail }, now);
    } else if (bee !== this.host.queen()) {
      remember(this.quarantined, bee, now + this.limits.quarantineMs, MAX_TALLIES);
      this.host.cut(bee);
    }
  }

  private ban(ban: Ban, now: number): void {
    remember(this.bans, ban.bee, ban, this.limits.maxBans);
    this.cuts.set(ban.bee, now + this.limits.cutAfterMs);
    this.host.forget(ban.bee, now);
    this.host.banned(ban);
  }
}
