// From what the tabs recorded to one run's samples: per-tab milestones, the moment the whole colony
// was attached to queens, and the shape of the link graph. Pure functions; run.ts does the I/O.

import type { HiveSnapshot } from '../src/bee.ts';
import type { Counters } from '../src/hive/protocol.ts';
import { isConnected } from '../e2e/graph.ts';
import { attachedQueen } from './hive-view.ts';
import { epochOf, type Change, type ProbeRecord } from './probe.ts';

export type TransportName = HiveSnapshot['transport'];

/** Per-tab figures, each in ms from that tab's navigation start; null when it never happened. */
export interface TabSample {
  id: string;
  timeOriginMs: number;
  /** Not summarised: when the app had loaded and assigned window.hive (the part of readyMs before signaling). */
  hiveSetMs: number | null;
  readyMs: number | null;
  firstLinkMs: number | null;
  fullRosterMs: number | null;
  /** First attached to a queen (a queen itself, or linked to the queen it follows). */
  attachedMs: number | null;
}

export const TAB_METRICS = ['readyMs', 'firstLinkMs', 'fullRosterMs', 'attachedMs'] as const;
export type TabMetric = (typeof TAB_METRICS)[number];

export type CounterName = keyof Counters;
/** Every counter, in report order; `satisfies` makes tsc fail here when the app adds or drops one. */
const COUNTER_ORDER = { framesIn: 0, forwarded: 1, duplicates: 2, delivered: 3, linksOpened: 4, elections: 5, malformed: 6, splits: 7, merges: 8, upgrades: 9, upgradesRefused: 10, commits: 11, uncertified: 12, stale: 13 } satisfies Record<
  CounterName,
  number
>;
export const COUNTER_NAMES = Object.keys(COUNTER_ORDER) as CounterName[];

export interface LinkGraph {
  /** Sum of every tab's open links / 2 (a link lagging at one end counts a half). */
  total: number;
  /** Pairs that only one end lists: links still opening or closing. */
  oneSided: number;
  /** N(N-1)/2, what a full mesh would hold. */
  fullMesh: number;
  connected: boolean;
}

/** Who reigns when the counters are read. */
export interface HiveShape {
  queens: number;
  /** Bees that are a queen or hold a direct link to the queen they follow (DESIGN.md, queen mode). */
  attached: number;
}

export interface RunResult {
  transport: TransportName;
  colonySize: number;
  run: number;
  colony: string;
  startedAt: string;
  wallMs: number;
  /** The machine's 1-minute load average as the run ended. */
  loadAverage1m: number;
  tabs: TabSample[];
  /** From the first tab's navigation start to the last tab's full roster. */
  colonyFullRosterMs: number | null;
  /** From the first tab's navigation start to the first instant every tab was attached to a queen. */
  colonyAttachedMs: number | null;
  /** Counters, links and hives as read COUNTERS_AFTER_SETTLED_MS after the colony settled (or at the cap). */
  countersPerBee: Record<CounterName, number>;
  links: LinkGraph;
  hives: HiveShape;
  /** Anything odd: probe errors, foreign bees, a split graph. Empty in a healthy run. */
  anomalies: string[];
  consoleErrors: string[];
  /** Set when the run itself failed (no samples then). */
  error: string | null;
}

const linkKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

/**
 * The first instant (epoch ms) from `fromEpochMs` on at which `holds` is true of every tab's
 * latest value, replaying all tabs' changes in time order; null if that never happened. Tabs share
 * the machine's clock, so timeOrigin + performance.now() lines them up to within a millisecond.
 */
export function firstInstantAll<T>(
  records: readonly ProbeRecord[],
  timeline: (record: ProbeRecord) => ReadonlyArray<Change<T>>,
  initial: T,
  holds: (values: readonly T[]) => boolean,
  fromEpochMs = -Infinity,
): number | null {
  const changes = records
    .flatMap((record, tab) => timeline(record).map(([atMs, value]) => ({ atMs: epochOf(record, atMs), tab, value })))
    .sort((x, y) => x.atMs - y.atMs);
  const current: T[] = records.map(() => initial);
  let i = 0;
  for (; i < changes.length && changes[i]!.atMs <= fromEpochMs; i++) current[changes[i]!.tab] = changes[i]!.value;
  if (holds(current)) return Number.isFinite(fromEpochMs) ? fromEpochMs : null;
  for (; i < changes.length; i++) {
    const change = changes[i]!;
    current[change.tab] = change.value;
    if (holds(current)) return change.atMs;
  }
  return null;
}

const everyAttached = (queens: ReadonlyArray<string | null>) => queens.length > 0 && queens.every((queen) => queen !== null);

export function tabSamples(records: readonly ProbeRecord[], ids: readonly string[]): TabSample[] {
  return records.map((record, tab) => ({
    id: ids[tab] ?? '?',
    timeOriginMs: record.timeOriginMs,
    hiveSetMs: record.hiveSetMs,
    readyMs: record.readyMs,
    firstLinkMs: record.firstLinkMs,
    // The probe only counted roster entries; a roster with a stranger in it does not count.
    fullRosterMs: record.fullRoster !== null && ids.every((id) => record.fullRoster?.includes(id)) ? record.fullRosterMs : null,
    attachedMs: record.attached.find(([, queen]) => queen !== null)?.[0] ?? null,
  }));
}

/** From the first tab's navigation start to the first instant all tabs were attached to a queen. */
export function colonyAttachedMs(records: readonly ProbeRecord[]): number | null {
  const at = firstInstantAll(records, (record) => record.attached, null, everyAttached);
  return at === null ? null : at - Math.min(...records.map((record) => record.timeOriginMs));
}

export function colonyFullRosterMs(tabs: readonly TabSample[]): number | null {
  if (tabs.length === 0 || tabs.some((tab) => tab.fullRosterMs === null)) return null;
  const firstStartMs = Math.min(...tabs.map((tab) => tab.timeOriginMs));
  return Math.max(...tabs.map((tab) => tab.timeOriginMs + (tab.fullRosterMs ?? 0))) - firstStartMs;
}

export function linkGraph(snaps: readonly HiveSnapshot[]): LinkGraph {
  const size = snaps.length;
  const listedBy = new Map<string, number>();
  for (const snap of snaps) {
    for (const peer of snap.neighbours) listedBy.set(linkKey(snap.id, peer), (listedBy.get(linkKey(snap.id, peer)) ?? 0) + 1);
  }
  return {
    total: snaps.reduce((sum, snap) => sum + snap.neighbours.length, 0) / 2,
    oneSided: [...listedBy.values()].filter((ends) => ends === 1).length,
    fullMesh: (size * (size - 1)) / 2,
    connected: isConnected(
      snaps.map((snap) => snap.id),
      snaps,
    ),
  };
}

export function hiveShape(snaps: readonly HiveSnapshot[]): HiveShape {
  return {
    queens: snaps.filter((snap) => snap.role === 'queen').length,
    attached: snaps.filter((snap) => attachedQueen(snap) !== null).length,
  };
}

export function countersPerBee(snaps: readonly HiveSnapshot[]): Record<CounterName, number> {
  const perBee = (name: CounterName) => snaps.reduce((sum, snap) => sum + snap.counters[name], 0) / Math.max(1, snaps.length);
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, perBee(name)])) as Record<CounterName, number>;
}

/** What looks wrong in a run, in words a reader of the JSON can act on. */
export function anomalies(records: readonly ProbeRecord[], tabs: readonly TabSample[], snaps: readonly HiveSnapshot[], colony: string): string[] {
  const found: string[] = [];
  records.forEach((record, tab) => {
    const id = tabs[tab]?.id ?? '?';
    if (record.error !== null) found.push(`tab ${id}: probe stopped: ${record.error}`);
    if (record.fullRosterMs !== null && tabs[tab]?.fullRosterMs === null) {
      found.push(`tab ${id}: roster of full size held a bee from outside the run: ${record.fullRoster?.join(',')}`);
    }
  });
  for (const snap of snaps) {
    if (snap.colony !== colony) found.push(`tab ${snap.id}: snapshot names colony ${snap.colony}, expected ${colony}`);
    if (snap.neighbours.includes(snap.id)) found.push(`tab ${snap.id}: lists itself as a neighbour`);
  }
  const graph = linkGraph(snaps);
  if (!graph.connected) found.push('link graph not connected when counters were read');
  if (graph.oneSided > 0) found.push(`${graph.oneSided} link(s) listed by one end only when counters were read`);
  return found;
}
