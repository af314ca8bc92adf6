// Whom a bee follows, and on whose word: a queen's claim (followed once its certificate
// verified), her word to her workers (a new membership, a move to another hive, breeding them),
// noticing when she falls silent, an orphan's or an egg's search for a hive, and a queen's
// abdication in favour of her heir.

import type { Candidacy } from './candidacy';
import { Verdicts, type Claim, type Notary } from './certificate';
import { chooseHeir, type ElectionRules } from './election';
import type { Counters, Effects, HiveConfig } from './events';
import { MAX_HIVE_WORKERS, type Heartbeat, type HiveEntry, type Payload } from './frames';
import type { HiveMap } from './hives';
import type { LinkState, Links } from './links';
import { compareVersions, founding, isMember, majority, sameMembership } from './membership';
import type { Reign } from './queen';
import type { Rng } from './rng';
import type { Router } from './routing';
import type { Standing } from './standing';

/** Queen timeouts an orphan waits for its hive's new queen before it joins another live hive. */
const ORPHAN_PATIENCE_ROUNDS = 3;
/** Queen timeouts an abdication may take before it is reported as failed. */
const ABDICATION_ROUNDS = 4;

/** What a bee's allegiance needs from the rest of the bee. */
export interface AllegianceHost {
  readonly self: string;
  readonly config: HiveConfig;
  readonly rules: ElectionRules;
  readonly rng: Rng;
  readonly notary: Notary;
  readonly fx: Effects;
  readonly standing: Standing;
  readonly links: Links;
  readonly hives: HiveMap;
  readonly router: Router;
  readonly counters: Counters;
  readonly candidacy: Candidacy;
  /** Her reign, while this bee is queen. */
  reign(): Reign | null;
  /** A queen's workers. */
  workers(): string[];
  /** A certified claim that does not verify: the claimant signed it, so it is its misconduct. */
  forgedClaim(claimant: string, now: number): void;
  becomeWorker(queen: string, hive: string, reign: number, now: number): void;
  becomeEgg(now: number): void;
  becomeQueen(claim: Claim, now: number): void;
  /** A queen who handed her hive to her heir steps down. */
  stepDown(now: number): void;
}

export class Allegiance {
  private readonly verdicts: Verdicts;
  private abdication: { ref: number; until: number } | null = null;

  constructor(private readonly host: AllegianceHost) {
    const { rules, notary } = host;
    this.verdicts = new Verdicts((claimant, claim) => rules.certifies(claimant, claim, notary));
  }

  queenAlive(now: number): boolean {
    const { queen, heardAt, pulse } = this.host.standing;
    return this.host.reign() !== null || (queen !== null && now - heardAt <= pulse.timeoutMs(this.host.config));
  }

  /** Whether this bee stands by its queen when a member of her hive campaigns: heard from within the doubt her pulse allows (pulse.ts). */
  queenTrusted(now: number): boolean {
    const { queen, heardAt, pulse } = this.host.standing;
    return this.host.reign() !== null || (queen !== null && now - heardAt <= pulse.doubtMs(this.host.config));
  }

  /**
   * Follow the queen: keep a link to her, notice when she falls silent; orphans and eggs find a
   * queen. Returns whether this bee is queenless with no hive to join (it may campaign).
   */
  watchQueen(now: number): boolean {
    const { standing: s, links, config } = this.host;
    if (s.queen !== null) {
      // Her heir gives her up once in doubt: its straw poll asks the others whether she beat.
      if (s.heir === this.host.self ? this.queenTrusted(now) : this.queenAlive(now)) {
        // Her heir too, once it is a member of her hive (protocol.ts keepLinks): should she hand
        // over or fall silent, the next queen is already linked.
        links.request(s.queen, now);
        return false;
      }
      // Orphaned now: it may campaign on this very tick (her heir does, candidacy.succeed).
      this.loseQueen(now);
    }
    if (s.membership !== null && Number.isNaN(s.orphanedAt)) s.orphanedAt = now; // restored after a reload
    // An orphan looks for its hive: a member it links tells in its heartbeats whom it follows now.
    // It asks them all, as a worker with its links full refuses, and a new queen among them never does.
    if (s.membership !== null && !s.membership.members.some((bee) => bee !== this.host.self && links.has(bee))) {
      for (const mate of s.membership.members) if (mate !== this.host.self && !links.busy(mate)) links.request(mate, now);
    }
    // An orphan whose hive could not crown a new queen in time leaves it and is an egg again.
    if (s.membership !== null && now - s.orphanedAt > config.orphanGiveUpMs) this.host.becomeEgg(now);
    // An egg that hears of a live hive asks to join it rather than founding another (its queen
    // answers with her claim); so does an orphan whose own hive crowns nobody it hears of.
    if (this.impatient(now)) {
      const hive = this.roomiestHive();
      if (hive !== undefined) {
        links.request(hive.queen, now);
        return false;
      }
    }
    return true;
  }

  /**
   * Whether this queenless bee may join another hive: an egg, an orphan done waiting for its own,
   * or one whose hive cannot elect without the queen it lost (a hive of two).
   */
  private impatient(now: number): boolean {
    const { membership, orphanedAt, formerQueen } = this.host.standing;
    if (membership === null) return true;
    const left = membership.members.filter((bee) => bee !== formerQueen).length;
    return left < majority(membership.members.length) || now - orphanedAt > ORPHAN_PATIENCE_ROUNDS * this.host.config.queenTimeoutMs;
  }

  loseQueen(now: number): void {
    const s = this.host.standing;
    const heir = s.heir === this.host.self;
    if (s.queen !== null) this.host.hives.remove(s.queen);
    s.formerQueen = s.queen;
    s.queen = null;
    s.heir = null;
    s.named = null;
    s.orphanedAt = now;
    if (s.duty === 'candidate') return;
    if (heir) this.host.candidacy.succeed(now);
    else this.host.candidacy.postpone(now);
  }

  /** The known hive with the most room (the least full when all are full), if any. */
  private roomiestHive(): HiveEntry | undefined {
    let best: HiveEntry | undefined;
    for (const hive of this.host.hives.values()) if (!best || hive.size < best.size) best = hive;
    return best;
  }

  // ---- claims and the queen's word -----------------------------------------------------------

  /**
   * A queen's claim. It is followed only once its certificate verified; one that does not verify
   * is the claimant's own misconduct (it signed it). A claim older than the reign this bee
   * knows of its hive is stale: dropped, and held against nobody (replays of old claims are).
   */
  onClaim(claimant: string, p: Extract<Payload, { k: 'queen' }>, now: number): boolean {
    if (claimant === this.host.self) return true;
    const claim: Claim = { term: p.term, membership: p.membership, authority: p.authority };
    if (!this.verdicts.certifies(claimant, claim)) {
      this.host.counters.uncertified++;
      this.host.forgedClaim(claimant, now);
      return false;
    }
    if (this.stale(claim, now)) {
      this.host.counters.stale++;
      return false;
    }
    if (claim.authority.by === 'split' && !this.trustsBred(claimant, claim.authority.seal.bee, now)) return true;
    if (this.mayFollow(claimant, claim, now)) this.follow(claimant, claim, now);
    return true;
  }

  /**
   * Whether a certified claim is older than what this bee holds of its hive: the reign it follows,
   * or the membership it stored (a later queen proposed it). A bee that holds nothing of the hive
   * has nothing a claim could be older than.
   */
  private stale(claim: Claim, now: number): boolean {
    const s = this.host.standing;
    const hive = claim.membership.hive;
    if ((this.host.reign() || this.queenAlive(now)) && hive === s.hive && claim.term < s.reign) return true;
    return s.membership !== null && hive === s.membership.hive && claim.term < s.membership.term;
  }

  /**
   * Whether a bred queen's claim is taken. Her mother vouches for her to the hive she was bred
   * from (and to herself, once she follows her: a handover), and to eggs, and to an orphan done
   * waiting for its own hive (it would join her as an egg 30 s later anyway). An orphan takes
   * back the bred queen it lost, on the seal it followed her on: her beats were late, not gone (a
   * page starved of CPU), and until it was impatient it stayed a candidate no member would vote
   * for, 10 s and more.
   */
  private trustsBred(claimant: string, mother: string, now: number): boolean {
    const s = this.host.standing;
    if (claimant === s.formerQueen || mother === s.queen || mother === s.formerQueen) return true;
    if (mother === this.host.self && claimant === s.queen) return true;
    return s.queen === null && (s.membership === null || this.impatient(now));
  }

  private mayFollow(claimant: string, claim: Claim, now: number): boolean {
    const s = this.host.standing;
    const hive = claim.membership.hive;
    if (this.host.reign()) return hive === s.hive && claim.term > s.reign;
    // An heir our queen bred with us among her members: her seal is word enough, whether her
    // own word (the move, or her handover) reached us first or not.
    if (claim.authority.by === 'split' && claim.authority.seal.bee === s.queen && isMember(claim.membership, this.host.self)) return true;
    if (this.queenAlive(now)) return hive === s.hive && (claimant === s.queen || claim.term > s.reign);
    if (s.membership !== null && hive === s.membership.hive) return true;
    return this.impatient(now);
  }

  /** Follows a certified queen; a member of her hive takes its membership if it had none of it. */
  private follow(queen: string, claim: Claim, now: number): void {
    const s = this.host.standing;
    const hive = claim.membership.hive;
    const own = s.membership;
    if (own === null || own.hive !== hive) {
      if (isMember(claim.membership, this.host.self)) s.store(claim.membership, null);
      else if (own !== null) s.store(null, null);
    }
    this.host.becomeWorker(queen, hive, claim.term, now);
  }

  /** The queen proposes her hive's next membership: store it, then say so (in that order). */
  onMembers(from: string, p: Extract<Payload, { k: 'members' }>, now: number): void {
    const { standing: s, router, self } = this.host;
    const { membership } = p;
    const stored = { k: 'stored' as const, hive: membership.hive, term: membership.term, epoch: membership.epoch };
    if (s.left && from === s.left.queen && membership.hive === s.left.hive) {
      router.originate(from, stored, now);
      return;
    }
    if (from !== s.queen || this.host.reign() || membership.hive !== s.hive) return;
    const own = s.membership;
    const order = own === null || own.hive !== membership.hive ? 1 : compareVersions(membership, own);
    if (order < 0 || (order === 0 && !sameMembership(membership, own))) return;
    if (order > 0) s.store(isMember(membership, self) ? membership : null, p.seal);
    router.originate(from, stored, now);
  }

  /**
   * Our queen moves us: into the new hive of the heir she bred (we are its members; her seal on
   * the split is the heir's certificate, so we follow the heir at once, without waiting a hop for
   * the heir's own claim; should the heir never take the throne, her silence is noticed like any
   * queen's), or into another hive (a merge: we join it like any egg).
   */
  onMove(from: string, p: Extract<Payload, { k: 'move' }>, now: number): void {
    const { standing: s, self } = this.host;
    if (from !== s.queen || s.duty !== 'worker' || p.to === self || s.hive === null) return;
    const { membership, seal } = p;
    // Her envelope proves the move hers, seal and all: the seal is for those who hear the heir's
    // claim, and checking it here would only cost the move a signature check on its way.
    if (membership !== null && seal?.bee !== from) return;
    s.left = { hive: s.hive, queen: from };
    if (membership === null) {
      this.host.becomeEgg(now);
      this.host.links.request(p.to, now);
      return;
    }
    s.store(membership, null);
    this.host.becomeWorker(p.to, membership.hive, 1, now);
  }

  /** Our queen bred us: we are the first queen of a new hive, reigning in its first term. */
  onBreed(from: string, p: Extract<Payload, { k: 'breed' }>, now: number): void {
    const { standing: s, notary, self } = this.host;
    const split = { k: 'split' as const, heir: self, membership: p.membership };
    if (from !== s.queen || s.duty !== 'worker' || s.hive === null || p.seal.bee !== from || !notary.verify(split, p.seal)) return;
    s.left = { hive: s.hive, queen: from };
    s.store(p.membership, null);
    this.host.becomeQueen({ term: 1, membership: p.membership, authority: { by: 'split', seal: p.seal } }, now);
  }

  // ---- abdication ------------------------------------------------------------------------------

  abdicate(ref: number, now: number): void {
    const { fx, config } = this.host;
    if (!this.host.reign()) {
      fx.push({ type: 'settled', ref, ok: false, reason: 'only a queen can abdicate' });
      return;
    }
    const handed = this.handOver(now);
    if (handed === null) {
      fx.push({ type: 'settled', ref, ok: false, reason: 'no worker to hand the throne to' });
      return;
    }
    // She follows her heir at once, as her moved workers do; the heir's claim settles it.
    this.host.becomeWorker(handed.heir, handed.hive, 1, now);
    this.abdication = { ref, until: now + ABDICATION_ROUNDS * config.queenTimeoutMs };
  }

  /**
   * Hands her hive to her heir in one step, the way she breeds one: she founds it afresh (a new
   * hive id, which no election can have crowned a queen of) with herself and every worker that
   * follows her, and breeds the heir its first queen. The heir reigns on her seal, and the
   * workers, moved by the same seal, follow the heir's claim as soon as it comes: no votes to
   * gather, no term to raise, and her workers have linked the heir while she was named.
   */
  handOver(now: number): { heir: string; hive: string } | null {
    const reign = this.host.reign();
    if (!reign) return null;
    const { links, notary, router, rng, standing: s, self } = this.host;
    const workers = this.host.workers().filter((bee) => links.has(bee));
    const named = reign.heir !== null && workers.includes(reign.heir) ? reign.heir : undefined;
    const heir = named ?? chooseHeir(workers.map((id) => ({ id, visible: (links.get(id) as LinkState).visible, startedAt: (links.get(id) as LinkState).startedAt })));
    if (heir === undefined) return null;
    const membership = founding(rng.hex(8), [heir, self, ...workers.filter((bee) => bee !== heir)].slice(0, MAX_HIVE_WORKERS));
    const seal = notary.seal({ k: 'split', heir, membership });
    // The heir first, so that she reigns a hop sooner; a worker that hears of her claim before its
    // move follows her all the same (mayFollow).
    router.originate(heir, { k: 'breed', membership, seal }, now);
    for (const bee of workers) {
      if (bee === heir) continue;
      // A worker past a hive's limit joins the heir's hive like any egg.
      router.originate(bee, isMember(membership, bee) ? { k: 'move', to: heir, membership, seal } : { k: 'move', to: heir, membership: null, seal: null }, now);
    }
    this.host.stepDown(now);
    s.store(membership, null);
    return { heir, hive: membership.hive };
  }

  /**
   * The queen this orphan lost works in another hive now: she merged hers into it (or handed it
   * over), and her move never reached this bee, which had given her up while her beats were late.
   * It goes where her move would have sent it: an egg, to her new queen. Its own hive, left
   * without her, could only elect among bees that followed her out.
   */
  heardFormerQueen(peer: string, frame: Heartbeat, now: number): void {
    const s = this.host.standing;
    const { queen, hive } = frame;
    if (this.host.reign() || s.queen !== null || peer !== s.formerQueen || s.hive === null) return;
    if (queen === null || queen === peer || queen === this.host.self || hive === null || hive === s.hive) return;
    s.left = { hive: s.hive, queen: peer };
    this.host.becomeEgg(now);
    this.host.links.request(queen, now);
  }

  /** A bee that abdicated follows a queen again: her successor took the throne. */
  followed(queen: string): void {
    if (this.abdication && queen !== this.host.self) {
      this.host.fx.push({ type: 'settled', ref: this.abdication.ref, ok: true, route: [this.host.self, queen] });
      this.abdication = null;
    }
  }

  onTick(now: number): void {
    if (this.abdication && now > this.abdication.until) {
      this.host.fx.push({ type: 'settled', ref: this.abdication.ref, ok: false, reason: 'no successor took the throne' });
      this.abdication = null;
    }
  }
}
