// The recorder injected into every tab before the app runs. It notes, on the page's own clock
// (performance.now(), i.e. ms since this tab's navigation start), when each join milestone first
// holds, so the figures do not include Playwright round-trips. Node reads the record afterwards.

import type { HiveApi } from '../src/bee.ts';

/** Where the record lives on `window`. */
export const PROBE_KEY = '__hiveBench';

export interface ProbeOptions {
  colonySize: number;
  pollIntervalMs: number;
}

/** A queen change seen by one tab: [ms since its navigation start, queen id or null]. */
export type QueenChange = [atMs: number, queen: string | null];

export interface ProbeRecord {
  /** performance.timeOrigin: epoch ms of navigation start, to line tabs up with each other. */
  timeOriginMs: number;
  /** When the app assigned `window.hive` (page loaded, bee constructed): splits (a) into load vs signaling. */
  hiveSetMs: number | null;
  /** When `hive.ready` resolved. */
  readyMs: number | null;
  /** When the tab first had an open link. */
  firstLinkMs: number | null;
  /** When the roster first held `colonySize` bees, and that roster (Node checks it is ours). */
  fullRosterMs: number | null;
  fullRoster: string[] | null;
  /** Every change of `snapshot().queen`, starting from an implicit null. */
  queenTimeline: QueenChange[];
  /** Any sign that the app elects queens: a term, a candidate, a queen. */
  electionSeen: boolean;
  /** The first exception the probe caught (the probe then stops). */
  error: string | null;
}

type BenchWindow = { hive?: HiveApi } & Record<typeof PROBE_KEY, ProbeRecord>;

/**
 * Runs in the page, so it may use only its parameters and page globals. `window.hive` becomes an
 * accessor so `ready` is hooked the instant the app assigns it (a poll could miss an early
 * resolution); everything else is polled, since the contract offers no change events.
 */
function installProbe(key: typeof PROBE_KEY, options: ProbeOptions): void {
  const page = window as unknown as BenchWindow;
  const record: ProbeRecord = {
    timeOriginMs: performance.timeOrigin,
    hiveSetMs: null,
    readyMs: null,
    firstLinkMs: null,
    fullRosterMs: null,
    fullRoster: null,
    queenTimeline: [],
    electionSeen: false,
    error: null,
  };
  page[key] = record;
  const fail = (error: unknown) => {
    record.error ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  };

  let hive: HiveApi | undefined;
  Object.defineProperty(window, 'hive', {
    configurable: true,
    enumerable: true,
    get: () => hive,
    set: (value: HiveApi) => {
      hive = value;
      record.hiveSetMs ??= performance.now();
      value.ready.then(() => {
        record.readyMs ??= performance.now();
      }, fail);
    },
  });

  const timer = setInterval(() => {
    if (hive === undefined) return;
    try {
      const nowMs = performance.now();
      const snap = hive.snapshot();
      if (record.firstLinkMs === null && snap.neighbours.length >= 1) record.firstLinkMs = nowMs;
      if (record.fullRosterMs === null && snap.roster.length >= options.colonySize) {
        record.fullRosterMs = nowMs;
        record.fullRoster = [...snap.roster];
      }
      const lastQueen = record.queenTimeline.at(-1)?.[1] ?? null;
      if (snap.queen !== lastQueen) record.queenTimeline.push([nowMs, snap.queen]);
      if (snap.term > 0 || snap.queen !== null || snap.queens.length > 0 || snap.role === 'candidate' || snap.role === 'queen') {
        record.electionSeen = true;
      }
    } catch (error) {
      fail(error);
      clearInterval(timer);
    }
  }, options.pollIntervalMs);
}

/**
 * The init script as source text. tsx compiles with esbuild's keepNames, which wraps named inner
 * functions in `__name(...)` calls that do not exist in the page (privatenumber/tsx#113), so the
 * script brings a no-op `__name` of its own, scoped to this closure.
 */
export function probeScript(options: ProbeOptions): string {
  return `(() => {
  const __name = (target) => target;
  (${installProbe.toString()})(${JSON.stringify(PROBE_KEY)}, ${JSON.stringify(options)});
})();`;
}
