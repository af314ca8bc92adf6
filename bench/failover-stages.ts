// Where a handover's time goes, from the stages the tabs' probes recorded (role, term and queen
// followed, on each tab's clock): when the first survivor gave up the old queen and the last,
// the first campaign (a straw poll), the first real election (a candidate in a later term), the
// new queen crowned, and the first and last survivor attached to her. Pure; failover.ts reports it.

import { formatNumber, spread } from './figures.ts';
import { epochOf, type ProbeRecord } from './probe.ts';

export interface Stages {
  /** Ms from the event to the first survivor that no longer follows the old queen, and to the last. */
  firstLostMs: number | null;
  lastLostMs: number | null;
  /** Ms to the first bee that became a candidate (straw poll or election). */
  campaignMs: number | null;
  /** Ms to the first candidate in a term above the old queen's (votes asked for). */
  electionMs: number | null;
  /** Ms to the new queen reigning. */
  crownedMs: number | null;
  /** Ms to the first and the last survivor attached to the queen it ends with (perTabMs). */
  firstAttachedMs: number | null;
  lastAttachedMs: number | null;
  /** Candidacies after the event (straw polls and elections, each tab and term once). */
  campaigns: number;
  /** The median over survivors of the longest gap between the old queen's last 8 beats as each saw them: what its timeout follows. */
  beatGapMs: number | null;
}

/** Gaps a worker times its queen by (pulse.ts's PULSE_GAPS). */
const GAPS_TIMED = 8;

export const STAGE_NAMES: ReadonlyArray<[keyof Stages, string]> = [
  ['firstLostMs', 'first survivor drops her'],
  ['lastLostMs', 'last survivor drops her'],
  ['campaignMs', 'first candidacy'],
  ['electionMs', 'first election (votes asked)'],
  ['crownedMs', 'new queen reigns'],
  ['firstAttachedMs', 'first tab attached'],
  ['lastAttachedMs', 'last tab attached'],
  ['campaigns', 'candidacies (count)'],
  ['beatGapMs', 'her longest recent beat gap (median tab)'],
];

const min = (values: number[]) => (values.length === 0 ? null : Math.min(...values));
const max = (values: number[]) => (values.length === 0 ? null : Math.max(...values));

export function stagesOf(oldQueen: string, records: readonly ProbeRecord[], perTabMs: ReadonlyArray<number | null>, atEpochMs: number): Stages {
  const after = records.map((record) => record.stages.map(([at, stage]) => ({ ms: epochOf(record, at) - atEpochMs, ...stage })));
  const before = after.flatMap((stages) => stages.filter((s) => s.ms < 0 && s.queen === oldQueen));
  const oldTerm = Math.max(0, ...before.map((s) => s.term));
  const lost: number[] = [];
  const campaigns = new Set<string>();
  const campaignAt: number[] = [];
  const electionAt: number[] = [];
  const crownedAt: number[] = [];
  after.forEach((stages, tab) => {
    const later = stages.filter((s) => s.ms >= 0);
    const followed = stages.some((s) => s.ms < 0 && s.queen === oldQueen && s.role !== 'queen');
    const drop = later.find((s) => s.queen !== oldQueen);
    if (followed && drop) lost.push(drop.ms);
    for (const s of later) {
      if (s.role === 'candidate') {
        campaigns.add(`${tab}/${s.term}`);
        campaignAt.push(s.ms);
        if (s.term > oldTerm) electionAt.push(s.ms);
      }
      if (s.role === 'queen' && s.queen !== oldQueen) crownedAt.push(s.ms);
    }
  });
  const attached = perTabMs.filter((ms): ms is number => ms !== null);
  const gaps = records.flatMap((record) => {
    const beats = record.queenBeats.filter((at) => epochOf(record, at) < atEpochMs).slice(-(GAPS_TIMED + 1));
    return beats.length < 2 ? [] : [Math.max(...beats.slice(1).map((at, i) => at - beats[i]!))];
  });
  return {
    firstLostMs: min(lost),
    lastLostMs: max(lost),
    campaignMs: min(campaignAt),
    electionMs: min(electionAt),
    crownedMs: min(crownedAt),
    firstAttachedMs: min(attached),
    lastAttachedMs: max(attached),
    campaigns: campaigns.size,
    beatGapMs: spread(gaps).p50,
  };
}

/** A markdown table: one row per stage, the p50 and max over the handovers of each kind. */
export function stagesTable(kinds: ReadonlyArray<[string, readonly Stages[]]>): string[] {
  const cell = (values: Array<number | null>) => {
    const s = spread(values);
    return s.count === 0 ? '—' : `${formatNumber(s.p50)} / ${formatNumber(s.max)}`;
  };
  return [
    `Where the time goes: ms from the event, p50 / max over the colonies (candidacies: a count).`,
    '',
    `| stage | ${kinds.map(([kind]) => kind).join(' | ')} |`,
    `|---|${kinds.map(() => '---:').join('|')}|`,
    ...STAGE_NAMES.map(([key, label]) => `| ${label} | ${kinds.map(([, stages]) => cell(stages.map((s) => s[key]))).join(' | ')} |`),
  ];
}
