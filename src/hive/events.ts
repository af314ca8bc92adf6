// What goes into and comes out of a bee's protocol core: its settings, the events the driver
// feeds it, the effects it returns, what it keeps across a reload, and what it shows.

import type { Ban, ConductSnapshot, LinkOffence } from './eviction';
import type { Frame, HiveEntry } from './frames';
import type { Seal } from './certificate';
import type { Membership } from './membership';

export type Role = 'egg' | 'worker' | 'candidate' | 'queen' | 'evicted' | 'observer';

export interface HiveConfig {
  heartbeatIntervalMs: number;
  /** A queen beats faster than her workers: her silence is what they time (pulse.ts). */
  queenHeartbeatMs: number;
  /** A bee whose beat has not advanced this long leaves the roster. */
  rosterTimeoutMs: number;
  /** An open link that carried nothing this long is presumed dead (silent departures). */
  linkTimeoutMs: number;
  /** Give up on a link that has not opened after this long. */
  linkAttemptTimeoutMs: number;
  targetNeighbours: number;
  maxNeighbours: number;
  floodTtl: number;
  ackTimeoutMs: number;
  /** Transmissions of one message before its sender is told it failed. */
  maxAttempts: number;
  /**
   * No word from the queen for this long and she is presumed dead: the most a worker waits (a
   * hidden queen, or one whose beats it has not timed yet); pulse.ts waits less for a steady one,
   * never less than queenTimeoutMinMs.
   */
  queenTimeoutMs: number;
  queenTimeoutMinMs: number;
  /** A queenless bee campaigns after electionMinMs, plus candidacyRankMs per fitter bee it links, plus up to electionSpreadMs. */
  electionMinMs: number;
  electionSpreadMs: number;
  candidacyRankMs: number;
  /** An egg founds a hive only once its roster has not changed for this long: it knows whom to ask. */
  rosterSettleMs: number;
  /** How often a queen asks the signaling server for bees she may not know (heals split meshes). */
  resampleIntervalMs: number;
  /** An orphan whose hive crowns nobody for this long leaves it and is an egg again. */
  orphanGiveUpMs: number;
  /** A member the queen has not heard from for this long is removed from her hive (a committed change). */
  memberTimeoutMs: number;
  /** Workers one queen takes; more and she breeds a new queen. */
  capacity: number;
  /** Envelopes per second a queen relays before she counts as overloaded. */
  relayLimit: number;
  /** Hops a queen's claim floods; farther bees learn of her from hive gossip. */
  claimTtl: number;
  /** Links a queen keeps to other queens (the court). */
  courtLinks: number;
  /** A queen that bred or took in a hive waits this long before she splits or merges again. */
  hiveSettleMs: number;
  /** A hive whose queen's stamp has not advanced this long is forgotten. */
  hiveTimeoutMs: number;
  /** False keeps the colony in discovery mode: nobody campaigns (demos, the upgrade benchmark). */
  elections: boolean;
  /** The colony's founder as the join link pins it (`?founder=`): the only signer of its configs. */
  founder: string | null;
  /** An observer (the projector) watches the colony: it never votes, campaigns, follows or reigns, and no hive counts it. */
  observer: boolean;
}

export const DEFAULT_CONFIG: HiveConfig = {
  heartbeatIntervalMs: 1000,
  queenHeartbeatMs: 500,
  rosterTimeoutMs: 6000,
  linkTimeoutMs: 5000,
  linkAttemptTimeoutMs: 10_000,
  targetNeighbours: 3,
  maxNeighbours: 6,
  floodTtl: 8,
  ackTimeoutMs: 2000,
  maxAttempts: 8,
  // Tolerates hidden tabs, whose timers fire about once a second.
  queenTimeoutMs: 3500,
  // Three of her beats, and then some: a steady visible queen is missed in about 1.5 s.
  queenTimeoutMinMs: 1500,
  // A few round trips on a loaded machine; the rank spreads candidates further apart than a
  // straw poll and an election take, the spread breaks ties between bees of one rank.
  electionMinMs: 150,
  electionSpreadMs: 150,
  candidacyRankMs: 200,
  rosterSettleMs: 500,
  resampleIntervalMs: 10_000,
  orphanGiveUpMs: 30_000,
  memberTimeoutMs: 6000,
  capacity: 8,
  relayLimit: 400,
  claimTtl: 2,
  courtLinks: 8,
  hiveSettleMs: 5000,
  hiveTimeoutMs: 6000,
  elections: true,
  founder: null,
  observer: false,
};

export interface Delivered {
  id: string;
  from: string;
  body: unknown;
  at: number;
  route: string[];
}

export type HiveEvent =
  | { type: 'tick' }
  /** The signaling server introduced these live bees. */
  | { type: 'welcome'; peers: string[] }
  /** The signaling server saw this bee go. */
  | { type: 'beeLeft'; bee: string }
  | { type: 'linkOpen'; peer: string }
  | { type: 'linkClosed'; peer: string }
  | { type: 'frame'; peer: string; frame: Frame }
  /** A frame from `peer` failed to parse; counted, never acted on. */
  | { type: 'malformed'; peer: string }
  /** The driver's guard dropped an envelope from `peer` (unsigned, forged or replayed): the link's doing. */
  | { type: 'misconduct'; peer: string; offence: Exclude<LinkOffence, 'malformed'> }
  /** The guard dropped an envelope `origin` signed over the size limit: its signer's doing, not the link's. */
  | { type: 'misconduct'; peer: string; offence: 'oversized'; origin: string }
  /** `msg` names the message end to end; a driver that stored it first passes the same id again after a reload. */
  | { type: 'send'; ref: number; to: string; body: unknown; msg?: string }
  | { type: 'broadcast'; ref: number; body: unknown; msg?: string }
  | { type: 'visibility'; visible: boolean }
  /** A queen hands her throne to her best worker. */
  | { type: 'abdicate'; ref: number }
  /** This bee seeds a new colony config (the driver signed it); adopted if newer than ours. */
  | { type: 'seed'; version: number; config: Record<string, unknown> }
  /** The driver relays a WebRTC signal through the mesh (the signaling server is out of reach). */
  | { type: 'signal'; to: string; data: unknown }
  /**
   * The driver wants a link to `peer` (a split room's founder: src/tab/classroom.ts), kept however
   * many this bee has; it may say so every tick: a failed attempt rests before the next.
   */
  | { type: 'reach'; peer: string }
  /** This bee is going away on purpose (a queen abdicates first). */
  | { type: 'leave' };

/** What a bee must keep across a reload before the frames that follow it leave: one vote per term. */
export interface Persisted {
  term: number;
  votedFor: string | null;
  /** The membership of its hive this bee stored last, or null outside any hive. */
  membership: Membership | null;
  /** The seal of the queen who proposed it (null for a new hive's first members). */
  seal: Seal | null;
}

export type Effect =
  | { type: 'link'; peer: string }
  | { type: 'unlink'; peer: string }
  /** Ask the signaling server for a fresh sample of live bees (answered with `welcome`). */
  | { type: 'sample' }
  | { type: 'send'; peer: string; frame: Frame }
  | { type: 'deliver'; message: Delivered }
  /** This bee adopted the next colony config; `chain` (every version it keeps, oldest first) is stored so that it survives a reload. */
  | { type: 'adopt'; upgrade: Upgrade; chain: readonly Upgrade[] }
  /** A WebRTC signal for this bee arrived through the mesh. */
  | { type: 'signal'; from: string; data: unknown }
  /** Must be stored before the frames that follow it are sent; a failed write must hold them back. */
  | ({ type: 'persist' } & Persisted)
  /**
   * What the bee shows changed. `hive` is the hive it belongs to (its queen's, or its own as
   * queen) and `reign` the term of that queen: (hive, reign) names one reign.
   */
  | { type: 'roleChanged'; role: Role; term: number; queen: string | null; hive: string | null; reign: number }
  /** The outcome of a `send`, `broadcast` or `abdicate` event with this ref. */
  | { type: 'settled'; ref: number; ok: true; route: string[] }
  | { type: 'settled'; ref: number; ok: false; reason: string }
  /** This bee now refuses `ban.bee` (to be kept: bans outlive the page). */
  | { type: 'banned'; ban: Ban }
  /** This bee's queen evicted it. */
  | { type: 'evicted'; ban: Ban };

/**
 * A step whose only business was heartbeats: a beat told, or one heard that asked for nothing. Its
 * gossip may move the roster or the hive map; nothing else a page shows changed.
 */
export const onlyGossip = (event: HiveEvent, effects: readonly Effect[]): boolean =>
  (event.type === 'tick' || (event.type === 'frame' && event.frame.t === 'hb')) && effects.every((effect) => effect.type === 'send' && effect.frame.t === 'hb');

/** A colony config this bee runs, and the bees it passed to get here (the seeder first). */
export interface Upgrade {
  version: number;
  config: Record<string, unknown>;
  route: string[];
}

/** What a bee kept from an earlier life (a reload): safety and exactly-once depend on it. */
export interface Restored {
  /** The colony configs it had adopted, oldest first (the last is the one it runs). */
  upgrades?: readonly Upgrade[];
  term: number;
  votedFor: string | null;
  membership?: Membership | null;
  seal?: Seal | null;
  /** Message ids already delivered here; they are never delivered again. */
  deliveredIds: readonly string[];
  bans?: readonly Ban[];
}

export const NOTHING_RESTORED: Restored = { term: 0, votedFor: null, deliveredIds: [] };

export interface Counters {
  framesIn: number;
  malformed: number;
  duplicates: number;
  forwarded: number;
  delivered: number;
  linksOpened: number;
  elections: number;
  /** Colony configs adopted (each the next version), and refused: not the founder's, a jump, or another config of a version it has. */
  upgrades: number;
  upgradesRefused: number;
  /** Hives this bee bred as a queen, and small hives it merged into another. */
  splits: number;
  merges: number;
  /** Membership changes this bee committed as a queen. */
  commits: number;
  /** Claims whose certificate did not verify (never followed). */
  uncertified: number;
  /** Claims older than the reign this bee already follows (never followed, never held against anyone). */
  stale: number;
}

export const noCounters = (): Counters => ({
  framesIn: 0, malformed: 0, duplicates: 0, forwarded: 0, delivered: 0, linksOpened: 0, elections: 0,
  upgrades: 0, upgradesRefused: 0, splits: 0, merges: 0, commits: 0, uncertified: 0, stale: 0,
});

export interface Snapshot {
  id: string;
  role: Role;
  term: number;
  queen: string | null;
  /** The hive this bee belongs to, and the committed membership it holds (null outside a hive). */
  hive: string | null;
  membership: Membership | null;
  workers: string[];
  neighbours: string[];
  roster: string[];
  /** Every queen this bee knows of (its own first). */
  queens: string[];
  /** The colony's hives as this bee knows them. */
  hives: HiveEntry[];
  /** For a queen: the other queens she links (the court). */
  court: string[];
  /** The heir this bee's queen names (a queen's own, while she reigns): she reigns next. */
  heir: string | null;
  capacity: number;
  relayRate: number;
  relayLimit: number;
  /** The colony config this bee runs (version 0: none yet), and the founder who signs them (null: not known yet). */
  upgrade: Upgrade | null;
  founder: string | null;
  counters: Counters;
  conduct: ConductSnapshot;
}

/** The effects of one step, collected by every part of the core in the order they happen. */
export class Effects {
  list: Effect[] = [];

  push(effect: Effect): void {
    this.list.push(effect);
  }

  /** Hands the effects collected so far over and starts afresh. */
  take(): Effect[] {
    const taken = this.list;
    this.list = [];
    return taken;
  }
}
