// Whom a bee follows, and on whose word: a queen's claim (followed once its certificate
// verified), her word to her workers (a new membership, a move to another hive, breeding or
// crowning them), noticing when she falls silent, an orphan's or an egg's search for a hive,
// and a queen's abdication in favour of a worker she crowns.

import type { Candidacy } from './candidacy';
import { Verdicts, type Claim, type Notary } from './certificate';
import { chooseSuccessor, type ElectionRules } from './election';
import type { Counters, Effects, HiveConfig } from './events';
import type { HiveEntry, Payload } from './frames';
import type { HiveMap } from './hives';
import type { LinkState, Links } from './links';
import { compareVersions, isMember, sameMembership } from './membership';
import type { Reign } from './queen';
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
  /** A queen who crowned her successor steps down. */
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

  /**
   * Follow the queen: keep a link to her, notice when she falls silent; orphans and eggs find a
   * queen. Returns whether this bee is queenless with no hive to join (it may campaign).
   */
  watchQueen(now: number): boolean {
    const { standing: s, links, config } = this.host;
    if (s.queen !== null) {
      if (!this.queenAlive(now)) this.loseQueen(now);
      else links.request(s.queen, now);
      return false;
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

  /** Whether this queenless bee may join another hive: an egg, or an orphan done waiting for its own. */
  private impatient(now: number): boolean {
    const { membership, orphanedAt } = this.host.standing;
    return membership === null || now - orphanedAt > ORPHAN_PATIENCE_ROUNDS * this.host.config.queenTimeoutMs;
  }

  loseQueen(now: number): void {
    const s = this.host.standing;
    if (s.queen !== null) this.host.hives.remove(s.queen);
    s.formerQueen = s.queen;
    s.queen = null;
    s.orphanedAt = now;
    if (s.duty !== 'candidate') this.host.candidacy.postpone(now);
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
    if (claim.authority.by === 'split' && !this.trustsMother(claim.authority.seal.bee)) return true;
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

  /** An heir's mother vouches for her to the hive she was bred from, and to eggs. */
  private trustsMother(mother: string): boolean {
    const s = this.host.standing;
    return (s.queen === null && s.membership === null) || mother === s.queen || mother === s.formerQueen;
  }

  private mayFollow(claimant: string, claim: Claim, now: number): boolean {
    const s = this.host.standing;
    const hive = claim.membership.hive;
    if (this.host.reign()) return hive === s.hive && claim.term > s.reign;
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
   * Our queen moves us: into the new hive of the heir she bred (we are its members; we follow the
   * heir once her claim, vouched for by our queen's seal, reaches us), or into another hive (a
   * merge: we join it like any egg).
   */
  onMove(from: string, p: Extract<Payload, { k: 'move' }>, now: number): void {
    const { standing: s, notary, links, self } = this.host;
    if (from !== s.queen || s.duty !== 'worker' || p.to === self || s.hive === null) return;
    s.left = { hive: s.hive, queen: from };
    const { membership, seal } = p;
    if (membership && seal && seal.bee === from && notary.verify({ k: 'split', heir: p.to, membership }, seal)) {
      s.store(membership, null);
      // Queenless until the heir's claim comes, with our queen's word to trust it by.
      s.formerQueen = from;
      s.queen = null;
      s.hive = membership.hive;
      s.reign = 0;
      s.orphanedAt = now;
      this.host.candidacy.postpone(now);
    } else if (!membership) this.host.becomeEgg(now);
    else return;
    links.request(p.to, now);
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

  /** Our queen crowned us: campaign at once, with her crown, above the highest term of her hive. */
  onCrown(from: string, p: Extract<Payload, { k: 'crown' }>, now: number): void {
    const { standing: s, notary, self } = this.host;
    const membership = s.membership;
    if (from !== s.queen || s.duty === 'queen' || !membership || membership.hive !== s.hive || p.seal.bee !== from) return;
    if (!notary.verify({ k: 'crown', hive: membership.hive, term: s.reign, successor: self }, p.seal)) return;
    this.host.candidacy.run(membership, s.seal, p.seal, now, p.term);
  }

  // ---- abdication ------------------------------------------------------------------------------

  abdicate(ref: number, now: number): void {
    const { fx, config } = this.host;
    if (!this.host.reign()) {
      fx.push({ type: 'settled', ref, ok: false, reason: 'only a queen can abdicate' });
      return;
    }
    if (!this.crownSuccessor(now)) {
      fx.push({ type: 'settled', ref, ok: false, reason: 'no worker to hand the throne to' });
      return;
    }
    this.abdication = { ref, until: now + ABDICATION_ROUNDS * config.queenTimeoutMs };
  }

  /**
   * Step down and crown the best worker among the members: she campaigns at once, and this bee
   * votes for her as a member. It steps aside with jitter so that it does not campaign itself.
   */
  crownSuccessor(now: number): boolean {
    const reign = this.host.reign();
    if (!reign) return false;
    const { links, notary, router, standing: s } = this.host;
    // A member behind on the membership would campaign under a version the others refuse: one
    // that said it holds the committed version is preferred (heartbeats may lag a beat behind).
    const members = reign.members();
    const candidates = this.host.workers().filter((bee) => members.has(bee));
    const current = candidates.filter((bee) => reign.current(bee, links.get(bee) as LinkState));
    const workers = current.length > 0 ? current : candidates;
    const successor = chooseSuccessor(new Map(workers.map((bee) => [bee, links.get(bee) as LinkState])));
    if (successor === undefined) return false;
    const seal = notary.seal({ k: 'crown', hive: reign.hive, term: s.reign, successor });
    // Workers that joined after her election, or voted in a failed one, may be on later terms than hers.
    const term = Math.max(s.term, ...workers.map((bee) => (links.get(bee) as LinkState).term));
    router.originate(successor, { k: 'crown', term, seal }, now);
    this.host.stepDown(now);
    return true;
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
