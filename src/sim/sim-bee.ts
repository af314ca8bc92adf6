// A simulated bee as the World keeps it: its page's driver, what it announced, what it stored
// (its disk, which a reload restores it from), its page loads, and the faults its page suffers.

import type { Driver } from '../driver/driver';
import type { PersistEffect, RoleChanged, Settled } from '../driver/ports';
import type { Ban } from '../hive/eviction';
import type { Frame } from '../hive/frames';
import type { Delivered, HiveEvent, Persisted, Protocol, Restored, Role, Upgrade } from '../hive/protocol';
import { Classroom, type ClassroomActs } from '../tab/classroom';

/**
 * What a bee's storage holds, as the tab keeps it: every field of its last persisted state
 * (copied whole, so fields the core adds flow through), the ids it delivered, its bans and its
 * colony config. A reload restores the bee from it.
 */
export type Disk = Restored & Persisted & { deliveredIds: string[]; bans: Ban[] };

/** A bee whose JavaScript is stopped (a closed laptop lid): what reached it meanwhile, in order. */
export interface Frozen {
  untilMs: number;
  backlog: HiveEvent[];
}

export class SimBee {
  alive = true;
  inbox: Delivered[] = [];
  settled: Settled[] = [];
  /** Connections this bee created (Chrome budgets ~500 per page lifetime). */
  connections = 0;
  /**
   * What the bee last announced (its roleChanged effects), as a UI would show it. Always equal to
   * its snapshot's role, term and queen, without the snapshot's cost (it sorts the roster).
   */
  role: Role = 'egg';
  term = 0;
  queen: string | null = null;
  /** Campaigns the bee started (its counters.elections): each persists a vote for itself. */
  elections = 0;
  /** The term of its latest campaign. */
  campaignedIn = 0;
  /** Page loads of this bee: 1, and one more per reload (same id, a new Protocol from its disk). */
  lives = 1;
  disk: Disk = { term: 0, votedFor: null, membership: null, seal: null, deliveredIds: [], bans: [], upgrades: [] };
  /** How far this bee's clock runs ahead of the world's; it only grows. */
  clockOffsetMs = 0;
  frozen: Frozen | null = null;
  /** This page load's driver: the World steps the bee through it, as a tab's page does. */
  driver!: Driver;
  /** The teacher's console this page runs, when the World's bees are tabs (WorldOptions.tabs). */
  classroom: Classroom | null = null;

  constructor(
    readonly id: string,
    /** A projector: it watches, and never votes, reigns or counts in a hive. */
    readonly observer = false,
  ) {}

  get protocol(): Protocol {
    return this.driver.protocol;
  }

  /** This page runs the teacher's console as a tab does, by the config it runs (`running`: kept from before a reload). */
  openClassroom(acts: ClassroomActs, running: Upgrade | undefined): void {
    this.classroom = new Classroom(this.id, acts, () => this.protocol.snapshot().founder);
    if (running) this.classroom.adopted(running, true);
  }

  /** The page's timer fires; a tab of a split room then asks for its link to the founder (bee.ts). */
  tick(): void {
    this.driver.step({ type: 'tick' });
    const founder = this.classroom?.wanted();
    if (founder) this.driver.step({ type: 'reach', peer: founder });
  }

  /**
   * Whether this page takes the offer of a link from `peer`: a tab answers before a connection is
   * built (bee.ts), as its protocol would judge the link once open; a bare protocol takes every one.
   */
  accepts(peer: string, now: number): boolean {
    return this.classroom === null || (this.classroom.allows(peer) && this.protocol.accepts(peer, now));
  }

  /** A message delivered: in the inbox, and its id on disk (a reload never delivers it again). */
  deliver(message: Delivered): true {
    this.inbox.push(message);
    this.disk.deliveredIds.push(message.id);
    return true;
  }

  adopt(chain: readonly Upgrade[]): true {
    this.disk.upgrades = chain;
    return true;
  }

  /** What the bee announced, kept as a UI would show it. */
  announced(effect: RoleChanged): void {
    this.role = effect.role;
    this.term = effect.term;
    this.queen = effect.queen;
  }
}

/**
 * Sees what bees decide as it happens: votes once written (a failed write is no vote), roles as
 * announced. The invariant checker hooks in here.
 */
export type Observer = (bee: SimBee, effect: PersistEffect | RoleChanged, now: number) => void;

/** Sees every frame put on an open link (lost or not): benchmarks count traffic per bee with it. */
export type FrameTap = (from: string, to: string, frame: Frame) => void;
