// The churn benchmark's arithmetic: from what each tab lived through (when it opened and left,
// every peer connection it built, its counters), connections per bee per hour and the churn that
// caused them. Pure; churn.ts does the I/O.

import type { ClosedPeer } from './peer-count.ts';

const MS_PER_HOUR = 3_600_000;

/** The goal: fewer than this many peer connections per bee per hour, so a tab lasts a school day. */
export const GOAL_CONNECTIONS_PER_HOUR = 50;

/**
 * resident: opened before the window and never killed; early: opened before the window, may be
 * killed; newcomer: opened during the window (its first links are its join).
 */
export type TabKind = 'resident' | 'early' | 'newcomer';

/** The protocol counters the churn is shown by (summed over tabs, as deltas over the window). */
export interface ChurnCounters {
  elections: number;
  splits: number;
  merges: number;
  linksOpened: number;
}

export interface TabLife {
  id: string;
  kind: TabKind;
  /** Epoch ms the tab was opened (for early tabs and residents: before the window). */
  openedAtMs: number;
  /** Epoch ms it was closed or crashed; null while it lives. */
  leftAtMs: number | null;
  how: 'close' | 'crash' | null;
  /** Epoch ms of every peer connection it built, as last read. */
  createdAtMs: number[];
  /** Epoch ms of those it built by dialling (the rest answered another bee's offer). */
  dialledAtMs: number[];
  closed: ClosedPeer[];
  /** The app's own count (snapshot().connections), as last read. */
  appConnections: number;
  /** Counters at the window's start (zero for a newcomer) and as last read. */
  countersAtStart: ChurnCounters;
  counters: ChurnCounters;
}

export interface BudgetWindow {
  startMs: number;
  endMs: number;
}

/** How many of `atMs` fall in [fromMs, toMs). */
export function countBetween(atMs: readonly number[], fromMs: number, toMs: number): number {
  return atMs.filter((at) => at >= fromMs && at < toMs).length;
}

/** The part of the window a tab lived, in ms. */
export function livedInWindowMs(tab: Pick<TabLife, 'openedAtMs' | 'leftAtMs'>, window: BudgetWindow): number {
  return Math.max(0, Math.min(tab.leftAtMs ?? window.endMs, window.endMs) - Math.max(tab.openedAtMs, window.startMs));
}

export interface Rate {
  tabs: number;
  /** Connections built in the window ÷ bee-hours lived in it: the budget's figure. */
  perBeePerHour: number | null;
  /** The same for the connections these tabs dialled themselves (the rest answered others' offers). */
  dialledPerBeePerHour: number | null;
  /** Connections built in the window per tab, per bee that joined in it: scales the figure to another churn rate. */
  perJoin: number | null;
  /** The most one tab built over its whole life (the page's lifetime count, what Chrome limits). */
  maxPerTab: number;
}

/** Connections per bee-hour for `tabs`, over the part of the window each lived; `joins` bees joined in it. */
export function rateOf(tabs: readonly TabLife[], window: BudgetWindow, joins: number): Rate {
  const sum = (times: (tab: TabLife) => number[]) => tabs.reduce((total, tab) => total + countBetween(times(tab), window.startMs, window.endMs), 0);
  const [built, dialled] = [sum((tab) => tab.createdAtMs), sum((tab) => tab.dialledAtMs)];
  const hours = tabs.reduce((total, tab) => total + livedInWindowMs(tab, window), 0) / MS_PER_HOUR;
  return {
    tabs: tabs.length,
    perBeePerHour: hours > 0 ? built / hours : null,
    dialledPerBeePerHour: hours > 0 ? dialled / hours : null,
    perJoin: tabs.length > 0 && joins > 0 ? built / tabs.length / joins : null,
    maxPerTab: Math.max(0, ...tabs.map((tab) => tab.createdAtMs.length)),
  };
}

/** Long-lived: alive the whole window (residents, and early tabs the churn happened to spare). */
export const longLived = (tabs: readonly TabLife[], window: BudgetWindow): TabLife[] =>
  tabs.filter((tab) => tab.openedAtMs <= window.startMs && (tab.leftAtMs === null || tab.leftAtMs >= window.endMs));

export interface ChurnShown {
  closed: number;
  crashed: number;
  joined: number;
  counters: ChurnCounters;
}

/** What happened in the window: tabs closed, crashed and opened, and the protocol counters' growth. */
export function churnShown(tabs: readonly TabLife[]): ChurnShown {
  const sum = (key: keyof ChurnCounters) => tabs.reduce((total, tab) => total + tab.counters[key] - tab.countersAtStart[key], 0);
  return {
    closed: tabs.filter((tab) => tab.how === 'close').length,
    crashed: tabs.filter((tab) => tab.how === 'crash').length,
    joined: tabs.filter((tab) => tab.kind === 'newcomer').length,
    counters: { elections: sum('elections'), splits: sum('splits'), merges: sum('merges'), linksOpened: sum('linksOpened') },
  };
}

/** Bounds of a closed connection's life, in seconds: a link re-made soon after it was made is churn. */
const LIFE_BOUNDS_S = [5, 30, 120] as const;

export interface CloseBreakdown {
  total: number;
  /** Closed before it ever connected: a glare, a refused or raced offer, an attempt that timed out. */
  neverConnected: number;
  neverConnectedDialled: number;
  /** Connected, then closed after a life of at most each bound (and longer). */
  byLifeS: Record<string, number>;
}

export function closeBreakdown(closed: readonly ClosedPeer[]): CloseBreakdown {
  const connected = closed.filter((peer) => peer.connected);
  const byLifeS: Record<string, number> = {};
  let below = 0;
  for (const bound of LIFE_BOUNDS_S) {
    const within = connected.filter((peer) => (peer.closedMs - peer.createdMs) / 1000 <= bound).length;
    byLifeS[`≤ ${bound} s`] = within - below;
    below = within;
  }
  byLifeS[`> ${LIFE_BOUNDS_S.at(-1)} s`] = connected.length - below;
  const never = closed.filter((peer) => !peer.connected);
  return { total: closed.length, neverConnected: never.length, neverConnectedDialled: never.filter((peer) => peer.dialled).length, byLifeS };
}

/** A link a tab's snapshot started or stopped listing between two readings. */
export interface LinkChange {
  atMs: number;
  bee: string;
  peer: string;
  opened: boolean;
}

/** The changes between two readings of one tab's open links. */
export function linkChanges(bee: string, before: readonly string[], after: readonly string[], atMs: number): LinkChange[] {
  const [was, is] = [new Set(before), new Set(after)];
  return [
    ...after.filter((peer) => !was.has(peer)).map((peer) => ({ atMs, bee, peer, opened: true })),
    ...before.filter((peer) => !is.has(peer)).map((peer) => ({ atMs, bee, peer, opened: false })),
  ];
}

export interface LinkChurn {
  /** Links long-lived tabs opened in the window, by who was at the far end. */
  opened: Record<TabKind, number>;
  /** Links long-lived tabs lost in the window: the far end had left, or was alive (dropped between two live bees). */
  lostToDeparture: number;
  lostAlive: number;
}

/** Where a long-lived tab's links came and went: joins and departures, or rewiring between live bees. */
export function linkChurn(changes: readonly LinkChange[], tabs: readonly TabLife[], window: BudgetWindow): LinkChurn {
  const lasting = new Set(longLived(tabs, window).map((tab) => tab.id));
  const byId = new Map(tabs.map((tab) => [tab.id, tab]));
  const churn: LinkChurn = { opened: { resident: 0, early: 0, newcomer: 0 }, lostToDeparture: 0, lostAlive: 0 };
  for (const change of changes) {
    if (!lasting.has(change.bee) || change.atMs < window.startMs || change.atMs >= window.endMs) continue;
    const peer = byId.get(change.peer);
    if (change.opened) {
      if (peer) churn.opened[peer.kind]++;
    } else if (peer?.leftAtMs != null && peer.leftAtMs <= change.atMs) churn.lostToDeparture++;
    else churn.lostAlive++;
  }
  return churn;
}
