// The recorder injected into every tab before the app runs. It notes, on the page's own clock
// (performance.now(), i.e. ms since this tab's navigation start), when each join milestone first
// holds and every change of the queen the tab is attached to and of the config version it runs,
// so the figures do not include Playwright round-trips. Node reads the record afterwards.

import type { HiveApi } from '../src/bee.ts';
import { attachedQueen, versionKey } from './hive-view.ts';
import { pageScript } from './page-script.ts';

/** Where the record lives on `window`. */
export const PROBE_KEY = '__hiveBench';
/** The probe's polling period in the page: the resolution of every figure but `ready`. */
export const PROBE_POLL_INTERVAL_MS = 10;
/** Arrivals of the queen's beats a tab keeps: enough for the gaps her workers time her by (pulse.ts). */
const PROBE_BEATS_KEPT = 12;

export interface ProbeOptions {
  /** The roster size that counts as full. */
  colonySize: number;
  pollIntervalMs: number;
}

/** A change seen by one tab: [ms since its navigation start, the new value]. */
export type Change<T> = [atMs: number, value: T];

export interface ProbeRecord {
  /** performance.timeOrigin: epoch ms of navigation start, to line tabs up with each other. */
  timeOriginMs: number;
  /** When the app assigned `window.hive` (page loaded, bee constructed): splits ready into load vs signaling. */
  hiveSetMs: number | null;
  /** When `hive.ready` resolved. */
  readyMs: number | null;
  /** When the tab first had an open link. */
  firstLinkMs: number | null;
  /** When the roster first held `colonySize` bees, and that roster (Node checks it is ours). */
  fullRosterMs: number | null;
  fullRoster: string[] | null;
  /** Every change of the queen this tab is attached to (hive-view.ts), from an implicit null. */
  attached: Array<Change<string | null>>;
  /** Every change of the config version this tab runs, from its first reading. */
  versions: Array<Change<string>>;
  /** Every change of its role, term or the queen it follows: the stages of an election (failover-stages.ts). */
  stages: Array<Change<Stage>>;
  /** When the latest beats of the queen it follows reached it (her hive entry's stamp changed): the last PROBE_BEATS_KEPT. */
  queenBeats: number[];
  /** The first exception the probe caught (the probe then stops). */
  error: string | null;
  /** Set by Node to stop the polling: the idle benchmark measures tabs left alone. */
  done?: boolean;
}

/** Where a tab stands in its hive's elections, as its snapshot says. */
export interface Stage {
  role: string;
  term: number;
  queen: string | null;
}

type BenchWindow = { hive?: HiveApi } & Record<typeof PROBE_KEY, ProbeRecord>;

/**
 * Runs in the page, so it may use only its parameters and page globals. `window.hive` becomes an
 * accessor so `ready` is hooked the instant the app assigns it (a poll could miss an early
 * resolution); everything else is polled, since the contract offers no change events.
 */
function installProbe(key: typeof PROBE_KEY, options: ProbeOptions, beatsKept: number, attached: typeof attachedQueen, version: typeof versionKey): void {
  const page = window as unknown as BenchWindow;
  const record: ProbeRecord = {
    timeOriginMs: performance.timeOrigin,
    hiveSetMs: null,
    readyMs: null,
    firstLinkMs: null,
    fullRosterMs: null,
    fullRoster: null,
    attached: [],
    versions: [],
    stages: [],
    queenBeats: [],
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

  let lastBeat: number | undefined;
  const timer = setInterval(() => {
    if (record.done) return clearInterval(timer);
    if (hive === undefined) return;
    try {
      const nowMs = performance.now();
      const snap = hive.snapshot();
      if (record.firstLinkMs === null && snap.neighbours.length >= 1) record.firstLinkMs = nowMs;
      if (record.fullRosterMs === null && snap.roster.length >= options.colonySize) {
        record.fullRosterMs = nowMs;
        record.fullRoster = [...snap.roster];
      }
      const queen = attached(snap);
      if (queen !== (record.attached.at(-1)?.[1] ?? null)) record.attached.push([nowMs, queen]);
      const key = version(snap);
      if (key !== record.versions.at(-1)?.[1]) record.versions.push([nowMs, key]);
      const beat = snap.hives.find((hive) => hive.queen === snap.queen && snap.role !== 'queen')?.beat;
      if (beat !== undefined && beat !== lastBeat) {
        lastBeat = beat;
        record.queenBeats.push(nowMs);
        if (record.queenBeats.length > beatsKept) record.queenBeats.shift();
      }
      const stage = record.stages.at(-1)?.[1];
      if (stage?.role !== snap.role || stage.term !== snap.term || stage.queen !== snap.queen) record.stages.push([nowMs, { role: snap.role, term: snap.term, queen: snap.queen }]);
    } catch (error) {
      fail(error);
      clearInterval(timer);
    }
  }, options.pollIntervalMs);
}

/** The init script, with the hive-view derivations shipped along. */
export function probeScript(options: ProbeOptions): string {
  return pageScript(installProbe, PROBE_KEY, options, PROBE_BEATS_KEPT, { fn: attachedQueen }, { fn: versionKey });
}

/** Epoch ms of a tab's page-clock reading. */
export const epochOf = (record: ProbeRecord, atMs: number): number => record.timeOriginMs + atMs;
