// What a bee shows of itself, read from its parts and changing none of them: the snapshot the UI
// and checkers read, the role, term, queen and hive a roleChanged effect announces, a queen's
// workers and court, and the whereabouts an upgrade is passed on by.

import type { Counters, HiveConfig, Role, Snapshot } from './events';
import type { Warden } from './eviction';
import type { HiveMap } from './hives';
import type { Links } from './links';
import type { Reign } from './queen';
import type { Roster } from './roster';
import type { Standing } from './standing';
import type { Upgrades } from './upgrades';

/** The parts a bee's view is read from. */
export interface ViewHost {
  readonly self: string;
  readonly config: HiveConfig;
  readonly standing: Standing;
  readonly links: Links;
  readonly roster: Roster;
  readonly hives: HiveMap;
  readonly upgrades: Upgrades;
  readonly warden: Warden;
  readonly counters: Counters;
  /** Her reign, while this bee is queen. */
  reign(): Reign | null;
  /** Envelopes this bee relayed per second over its last beat (protocol.ts measures it each beat). */
  relayRate(): number;
}

/** What a roleChanged effect announces: compared field by field after every event. */
export interface Shown {
  role: Role;
  term: number;
  queen: string | null;
  hive: string | null;
  reign: number;
}

/** What a watcher asks after every step: the standing shown, and a count that moves with the roster. */
export type StandingView = Shown & { rosterRevision: number };

export class View {
  constructor(private readonly host: ViewHost) {}

  snapshot(): Snapshot {
    const { self, standing, links, roster, hives, config, upgrades, counters, warden } = this.host;
    const reign = this.host.reign();
    const workers = this.workers();
    return {
      id: self,
      role: this.publicRole(),
      term: standing.term,
      queen: standing.queen,
      hive: this.shown().hive,
      membership: standing.membership,
      workers,
      neighbours: [...links.open.keys()].sort(),
      roster: [self, ...roster.others()].sort(),
      queens: [...new Set([...(standing.queen ? [standing.queen] : []), ...hives.queens()])],
      hives: [...(reign ? [reign.entry(0, workers)] : []), ...hives.entries()],
      court: reign ? links.queens() : [],
      heir: reign ? reign.heir : standing.heir,
      capacity: config.capacity,
      relayRate: this.host.relayRate(),
      relayLimit: config.relayLimit,
      upgrade: upgrades.upgrade,
      founder: upgrades.founder,
      counters: { ...counters },
      conduct: warden.snapshot(),
    };
  }

  /** The roster (sorted, this bee included) and the queen followed, without the rest of a snapshot. */
  rosterView(): { roster: string[]; queen: string | null } {
    return { roster: [this.host.self, ...this.host.roster.others()].sort(), queen: this.host.standing.queen };
  }

  /** Role, term and queen, and a count that moves whenever the roster does: a watcher's cheap question. */
  standingView(): StandingView {
    return { ...this.shown(), rosterRevision: this.host.roster.revision };
  }

  /** A queen's workers and court, without the cost of a snapshot (it sorts the roster). */
  hiveView(): { workers: string[]; court: string[] } {
    return this.host.reign() ? { workers: this.workers(), court: this.host.links.queens() } : { workers: [], court: [] };
  }

  shown(): Shown {
    const { term, queen, hive, reign, membership } = this.host.standing;
    return { role: this.publicRole(), term, queen, hive: queen !== null ? hive : (membership?.hive ?? null), reign: queen !== null ? reign : 0 };
  }

  private publicRole(): Role {
    if (this.host.warden.evicted) return 'evicted';
    const { duty, queen } = this.host.standing;
    return duty === 'worker' && this.host.links.size === 0 && queen === null ? 'egg' : duty;
  }

  /** A queen's workers: the bees on her links that follow her. */
  workers(): string[] {
    return this.host.reign() ? this.host.links.followers(this.host.self) : [];
  }

  whereabouts(): { isQueen: boolean; queen: string | null } {
    return { isQueen: this.host.standing.duty === 'queen', queen: this.host.standing.queen };
  }
}
