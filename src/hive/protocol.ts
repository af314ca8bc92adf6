// One bee's protocol as a state machine: `step(event, now)` returns the effects the driver must
// carry out. No timers, sockets, clocks or storage in here — time arrives as `now` and as `tick`
// events, randomness from the injected Rng, signatures from the injected Notary — so the
// simulator runs thousands of these and replays any run from its seed. This file dispatches
// events and holds the role changes (one place each) and the beat; links, routing, delivery,
// upgrades, gossip, elections (candidacy.ts), whom the bee follows (allegiance.ts), the queen's
// reign, the election rules, what the bee shows (view.ts) and whom it links (neighbours.ts) live
// in their own modules, built and wired to each other in parts.ts. docs/protocol.md explains.

import type { Allegiance } from './allegiance';
import type { Campaign } from './campaign';
import type { Candidacy } from './candidacy';
import type { Claim, Notary } from './certificate';
import type { Postbox } from './delivery';
import type { Directory } from './directory';
import type { Counters, Effect, Effects, HiveConfig, HiveEvent, Snapshot } from './events';
import type { ConductSnapshot, Warden } from './eviction';
import type { Envelope, Frame, Payload } from './frames';
import type { Gossip } from './gossip';
import type { Links } from './links';
import type { Neighbours } from './neighbours';
import { assemble, type ProtocolOptions } from './parts';
import { Pulse } from './pulse';
import { Reign, RELAY_LOAD_BEATS, type Court } from './queen';
import { applyKnobs } from './settings';
import type { Rng } from './rng';
import type { Roster } from './roster';
import type { Router } from './routing';
import type { Standing } from './standing';
import type { Upgrades } from './upgrades';
import type { StandingView, View } from './view';

export type { Counters, Delivered, Effect, HiveConfig, HiveEvent, Persisted, Restored, Role, Snapshot, Upgrade } from './events';
export type { StandingView } from './view';
export { DEFAULT_CONFIG } from './events';
export type { ProtocolOptions } from './parts';

/** What hives are governed by: an observer hears it go by (elections it judges like any non-member). */
const GOVERNING: ReadonlySet<Payload['k']> = new Set(['vote', 'queen', 'members', 'stored', 'later', 'breed', 'move']);

export class Protocol {
  // The bee's parts (parts.ts builds and wires them).
  private readonly config: HiveConfig;
  private readonly fx: Effects;
  private readonly counters: Counters;
  private readonly roster: Roster;
  private readonly standing: Standing;
  private readonly warden: Warden;
  private readonly links: Links;
  private readonly router: Router;
  private readonly postbox: Postbox;
  private readonly upgrades: Upgrades;
  private readonly view: View;
  private readonly gossip: Gossip;
  private readonly candidacy: Candidacy;
  private readonly allegiance: Allegiance;
  private readonly neighbours: Neighbours;
  private readonly court: Court;
  private readonly directory: Directory;
  /** Her reign, while this bee is queen. */
  private reign: Reign | null = null;
  /** Its campaign, while this bee is a candidate. */
  private campaign: Campaign | null = null;
  private visible = true;
  private startedAt = Number.NaN;
  private nextBeatAt = 0;
  private lastBeatAt = -Infinity;
  private nextSampleAt = 0;
  private relayRate = 0;
  /** The relay rates of the last few beats: only a sustained load breeds (a flood is evicted first). */
  private readonly relayRates: number[] = [];
  private forwardedAtBeat = 0;
  private left = false;

  constructor(readonly id: string, rng: Rng, notary: Notary, options: ProtocolOptions = {}) {
    ({
      config: this.config, fx: this.fx, counters: this.counters, roster: this.roster, standing: this.standing,
      warden: this.warden, links: this.links, router: this.router, postbox: this.postbox, upgrades: this.upgrades, view: this.view,
      gossip: this.gossip, candidacy: this.candidacy, allegiance: this.allegiance, neighbours: this.neighbours, court: this.court, directory: this.directory,
    } = assemble(id, rng, notary, options, {
      reign: () => this.reign,
      campaign: () => this.campaign,
      uptimeMs: (now) => now - this.startedAt,
      visible: () => this.visible,
      relayRate: () => this.relayRate,
      becomeWorker: (queen, hive, reign, now) => this.becomeWorker(queen, hive, reign, now),
      becomeEgg: (now) => this.becomeEgg(now),
      becomeCandidate: (campaign, now) => this.becomeCandidate(campaign, now),
      standDown: () => this.standDown(),
      becomeQueen: (claim, now) => this.becomeQueen(claim, now),
      stepDown: (now) => this.stepDown(now),
    }));
    if (this.config.observer) this.becomeObserver();
    applyKnobs(this.config, this.upgrades.upgrade);
  }

  step(event: HiveEvent, now: number): Effect[] {
    if (this.left) return [];
    if (this.warden.evicted) {
      // An evicted bee takes part in nothing; links others open to it are closed at once.
      return event.type === 'linkOpen' ? [{ type: 'unlink', peer: event.peer }] : [];
    }
    if (Number.isNaN(this.startedAt)) this.startedAt = now;
    // What the UI shows, compared field by field after the event (this runs for every frame).
    const before = this.view.shown();
    const version = this.upgrades.version;
    switch (event.type) {
      case 'tick': this.onTick(now); break;
      case 'welcome': this.neighbours.onWelcome(event.peers, now); break;
      case 'beeLeft': this.neighbours.forget(event.bee, now); break;
      case 'linkOpen': this.neighbours.onLinkOpen(event.peer, now); break;
      case 'linkClosed': this.links.closed(event.peer, now, this.standing.queen); break;
      case 'frame': this.onFrame(event.peer, event.frame, now); break;
      case 'malformed': this.counters.malformed++; this.warden.onLinkOffence(event.peer, 'malformed', now); break;
      case 'misconduct':
        if (event.offence === 'oversized') this.warden.onOversized(event.origin, now);
        else this.warden.onLinkOffence(event.peer, event.offence, now);
        break;
      case 'send': this.postbox.submit(event.ref, event.to, event.body, now, event.msg); break;
      case 'broadcast': this.postbox.submit(event.ref, null, event.body, now, event.msg); break;
      case 'visibility': this.onVisibility(event.visible, now); break;
      case 'abdicate': this.allegiance.abdicate(event.ref, now); break;
      case 'signal': this.router.originate(event.to, { k: 'sig', data: event.data }, now); break;
      case 'reach': this.links.reach(event.peer, now); break;
      case 'seed': this.upgrades.offer({ version: event.version, config: event.config, route: [this.id] }, this.view.whereabouts()); break;
      case 'leave': this.onLeave(now); break;
    }
    if (this.upgrades.version !== version) applyKnobs(this.config, this.upgrades.upgrade);
    const after = this.view.shown();
    if (after.role !== before.role || after.term !== before.term || after.queen !== before.queen || after.hive !== before.hive || after.reign !== before.reign) {
      this.fx.push({ type: 'roleChanged', ...after });
    }
    return this.fx.take();
  }

  snapshot(): Snapshot {
    return this.view.snapshot();
  }

  /** What the tab keeps of the roster on every tick (tab/roster-log.ts), without the cost of a snapshot. */
  rosterView(): { roster: string[]; queen: string | null } {
    return this.view.rosterView();
  }

  /** Role, term, queen, hive and the roster's revision, without the cost of a snapshot: asked after every step. */
  standingView(): StandingView {
    return this.view.standingView();
  }

  /** A queen's workers and court, without the cost of a snapshot (it sorts the roster). */
  hiveView(): { workers: string[]; court: string[] } {
    return this.view.hiveView();
  }

  /** A queen's claim to her throne, with its certificate (checkers verify it); null for any other bee. */
  claim(): Claim | null {
    return this.reign?.claim ?? null;
  }

  /** Whom this bee refuses, and why; whether it was evicted itself. */
  conduct(): ConductSnapshot {
    return this.warden.snapshot();
  }

  /** Open links, without the cost of a snapshot (the outbox asks before every hand-over). */
  linkCount(): number {
    return this.links.size;
  }

  /**
   * Whether `via` hands an envelope for `to` straight on, as far as this bee knows: `via` is the
   * queen it follows and `to` a member of her hive (workers hold a link to their queen). A wrong
   * guess costs the message one retransmission (link/envelope-guard.ts).
   */
  handsTo(via: string, to: string): boolean {
    const s = this.standing;
    return s.duty === 'worker' && s.queen === via && s.hive !== null && s.membership?.hive === s.hive && s.membership.members.includes(to);
  }

  /**
   * Whether this bee would keep a link `peer` offers, asked before the transport builds a peer
   * connection for it: a bee with all the links it takes declines at once rather than open a
   * connection only to close it (Chrome allows ~500 per page lifetime; DESIGN.md).
   */
  accepts(peer: string, now: number): boolean {
    return !this.left && this.neighbours.welcomes(peer, this.links.asked(peer), now);
  }

  /** Whether this bee keeps `peer` out (evicted, or shut out for misconduct): links to it are refused before they open. */
  refuses(peer: string, now: number): boolean {
    return this.warden.refuses(peer, now);
  }

  // ---- roles: each is entered in one place ---------------------------------------------------

  /**
   * Watches the colony and governs nothing, for good (the projector): it never campaigns, follows,
   * reigns or stores a membership; it judges elections like any bee that is no member (it ignores
   * them), and heartbeats say what it is so that no hive counts it (gossip.ts).
   */
  private becomeObserver(): void {
    this.standing.duty = 'observer';
  }

  /** Follows `queen`, of `hive`, reigning in `reign`: links to her and routes through her. */
  private becomeWorker(queen: string, hive: string, reign: number, now: number): void {
    const s = this.standing;
    s.enterTerm(reign);
    if (s.duty === 'candidate') this.candidacy.postpone(now);
    if (s.queen !== queen) {
      // Her beats are timed afresh, and her heir is whom her own heartbeats name.
      s.pulse = new Pulse();
      s.heir = null;
      s.named = null;
      s.followedAt = now;
    }
    s.duty = 'worker';
    s.queen = queen;
    s.hive = hive;
    s.reign = reign;
    s.heardAt = now;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.reign = null;
    this.candidacy.crowned();
    this.allegiance.followed(queen);
    this.links.request(queen, now);
    // Say so at once: the queen counts her workers by what their heartbeats say.
    this.announce(now);
  }

  /** Out of every hive: it joins one it hears of, or founds one with other eggs. */
  private becomeEgg(now: number): void {
    const s = this.standing;
    if (s.membership !== null) s.store(null, null);
    s.duty = 'worker';
    s.queen = null;
    s.hive = null;
    s.reign = 0;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.reign = null;
    this.candidacy.postpone(now);
  }

  private becomeCandidate(campaign: Campaign, now: number): void {
    this.standing.duty = 'candidate';
    this.campaign = campaign;
    // Its next turn, should this campaign crown nobody: a straw poll that found no majority
    // (members whose queen had not yet fallen silent ignore it) or a split vote is tried again
    // soon, each time twice as late (candidacy.ts backs off).
    this.candidacy.postpone(now);
    // Members all linked to us (eggs founding a hive of their neighbours) are asked over their
    // links; otherwise the request floods, once, for members we have no way to.
    const request = campaign.request();
    const others = campaign.membership.members.filter((bee) => bee !== this.id);
    if (others.every((bee) => this.links.has(bee))) for (const bee of others) this.router.originate(bee, request, now);
    else this.router.originate(null, request, now);
  }

  /** A candidate that hears of a later term's election stands down to vote in it. */
  private standDown(): void {
    this.standing.duty = 'worker';
    this.campaign = null;
  }

  private becomeQueen(claim: Claim, now: number): void {
    const s = this.standing;
    s.duty = 'queen';
    s.queen = this.id;
    s.hive = claim.membership.hive;
    s.reign = claim.term;
    s.formerQueen = null;
    s.orphanedAt = Number.NaN;
    this.campaign = null;
    this.candidacy.crowned();
    this.reign = new Reign(this.court, claim, now);
    // Claim the throne now, not a beat later: her hive waits for her word.
    this.onBeat(now);
  }

  /** A heartbeat to every link now, between beats: what this bee follows has just changed. */
  private announce(now: number): void {
    const beat = this.gossip.heartbeat(now);
    for (const [peer, link] of this.links.open) this.router.emit(peer, this.gossip.beatFor(beat, peer, link));
  }

  /** A queen who handed her hive to her heir steps down: queenless until the heir's claim comes. */
  private stepDown(now: number): void {
    const s = this.standing;
    this.reign = null;
    s.duty = 'worker';
    s.formerQueen = this.id;
    s.queen = null;
    s.orphanedAt = now;
    this.candidacy.stepAside(now);
  }

  // ---- time ------------------------------------------------------------------------------

  private onTick(now: number): void {
    const governs = this.standing.duty !== 'observer';
    if (governs) this.candidacy.start(now);
    if (now >= this.nextBeatAt) this.onBeat(now);
    // A queen, or a queenless bee, looks for parts of the colony it does not know (a healed
    // partition, a split mesh); a bee with no link at all needs fresh introductions anyway.
    if ((this.reign || this.standing.queen === null) && now >= this.nextSampleAt) {
      this.nextSampleAt = now + this.config.resampleIntervalMs;
      this.fx.push({ type: 'sample' });
    }
    this.gossip.expire(now);
    this.links.expire(now);
    this.keepLinks(now);
    if (governs && !this.reign && this.allegiance.watchQueen(now)) this.candidacy.onQueenless(now);
    this.postbox.onTick(now);
    this.allegiance.onTick(now);
    this.warden.onTick(now);
    this.router.prune(now);
    this.directory.expire(now);
  }

  /** A worker holds its queen and her heir; a queen sheds other hives' bees; others keep neighbours. */
  private keepLinks(now: number): void {
    const { queen, membership } = this.standing;
    const members = membership?.members ?? [];
    if (this.reign) {
      this.links.keepNeighbours(() => this.roster.others(), now);
      this.links.shed(members, this.config.targetNeighbours, now);
    } else if (queen !== null && members.includes(queen) && members.includes(this.id)) {
      // Its other links stay while its hive settles (a split, a merge): they carry the colony's
      // broadcasts to it while its queen's court learns of her. They stay too while her beat is
      // late: should she be gone, they are its way to her successor, and without a signaling
      // server its only way.
      const settled = now - this.standing.followedAt >= this.config.hiveSettleMs && this.allegiance.queenTrusted(now);
      this.links.keepHive(queen, this.standing.heir ?? undefined, members, settled, now);
      const heir = this.gossip.heirToAsk();
      if (heir !== null) this.links.ask(heir, now);
    } else {
      this.links.keepNeighbours(() => this.roster.others(), now);
    }
  }

  /**
   * A page that goes hidden says so at once, before Chromium throttles its timers to one a second:
   * its workers then give it the full queen timeout (pulse.ts), and its rank drops.
   */
  private onVisibility(visible: boolean, now: number): void {
    if (visible === this.visible) return;
    this.visible = visible;
    this.announce(now);
  }

  private onBeat(now: number): void {
    const sinceMs = Math.max(1, now - this.lastBeatAt);
    this.relayRate = Number.isFinite(sinceMs) ? Math.round(((this.counters.forwarded - this.forwardedAtBeat) * 1000) / sinceMs) : 0;
    this.relayRates.push(this.relayRate);
    if (this.relayRates.length > RELAY_LOAD_BEATS) this.relayRates.shift();
    this.forwardedAtBeat = this.counters.forwarded;
    this.lastBeatAt = now;
    // A queen beats faster: her workers time her silence (pulse.ts).
    this.nextBeatAt = now + (this.reign ? this.config.queenHeartbeatMs : this.config.heartbeatIntervalMs);
    const workers = this.reign ? this.view.workers() : [];
    // Her heartbeat names her heir: chosen before it goes out, not a beat later.
    this.reign?.nameHeir(workers);
    this.announce(now);
    this.reign?.onBeat(now, workers, this.relayRates);
  }

  // ---- leaving ---------------------------------------------------------------------------

  private onLeave(now: number): void {
    if (this.reign) this.allegiance.handOver(now);
    for (const peer of this.links.open.keys()) this.router.emit(peer, { t: 'bye' });
    this.postbox.leave();
    this.left = true;
  }

  // ---- frames ----------------------------------------------------------------------------

  private onFrame(peer: string, frame: Frame, now: number): void {
    const link = this.links.get(peer);
    if (!link) return; // a frame racing its link's close
    link.lastFrameAt = now;
    this.counters.framesIn++;
    switch (frame.t) {
      case 'hb':
        this.gossip.onHeartbeat(peer, link, frame, now);
        this.allegiance.heardFormerQueen(peer, frame, now);
        break;
      case 'bye':
        this.neighbours.forget(peer, now);
        this.links.drop(peer);
        break;
      case 'env': this.onEnvelope(peer, frame, now); break;
      case 'up':
        link.version = Math.max(link.version, frame.version);
        this.upgrades.offer({ version: frame.version, config: frame.config, route: [...frame.route, this.id] }, this.view.whereabouts());
        break;
    }
  }

  private onEnvelope(peer: string, env: Envelope, now: number): void {
    if (!this.router.fresh(env, now) || !this.warden.admits(peer, env, now)) return;
    const route = [...env.route, this.id];
    this.router.cameFrom(env.from, peer);
    const onward = env.to === null || env.to === this.id ? this.consume(env, route, now) : true;
    // An observer relays nothing: linked to every part of the room, it must not join parts the
    // network has cut (a split room), nor carry a hive's traffic.
    if (env.to !== this.id && onward && this.standing.duty !== 'observer') this.router.passOn(env, route, peer, now);
  }

  /** Act on an envelope addressed to this bee or to everyone; false stops a flood here. */
  private consume(env: Envelope, route: string[], now: number): boolean {
    const p = env.p;
    // An observer lets claims, votes and membership changes pass by and acts on none of them.
    if (this.standing.duty === 'observer' && GOVERNING.has(p.k)) return true;
    switch (p.k) {
      case 'data': this.postbox.onData(env, p, route, now); return true;
      case 'ack': this.postbox.onAck(p.msg, route); return true;
      case 'elect': return this.candidacy.onElect(env.from, p, now);
      case 'vote': this.candidacy.onVote(env.from, p, now); return true;
      case 'queen': return this.allegiance.onClaim(env.from, p, now);
      case 'members': this.allegiance.onMembers(env.from, p, now); return true;
      case 'stored':
        if (this.reign && p.hive === this.reign.hive) this.reign.onStored(env.from, p.term, p.epoch, now, this.view.workers());
        return true;
      case 'evict': return this.warden.onNotice(env.from, p, now);
      case 'later': this.candidacy.onLater(p); return true;
      case 'breed': this.allegiance.onBreed(env.from, p, now); return true;
      case 'move': this.allegiance.onMove(env.from, p, now); return true;
      case 'sig': this.fx.push({ type: 'signal', from: env.from, data: p.data }); return true;
      case 'here':
        if (this.reign) this.directory.register(env.from, p.workers, now);
        return true;
    }
  }
}
