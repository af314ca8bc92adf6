import { describe, expect, it } from 'vitest';
import { stagesOf } from './failover-stages.ts';
import { handoverOf, heirProblem } from './failover.ts';
import type { HiveSnapshot } from '../src/bee.ts';
import type { ProbeRecord } from './probe.ts';

const record = (attached: ProbeRecord['attached']): ProbeRecord => ({
  timeOriginMs: 0,
  hiveSetMs: 0,
  readyMs: 0,
  firstLinkMs: 0,
  fullRosterMs: 0,
  fullRoster: [],
  attached,
  versions: [],
  stages: [],
  queenBeats: [],
  error: null,
});

describe('a handover, from what the tabs recorded', () => {
  it('times each tab to the queen it ends with, and the colony to all on one new queen', () => {
    const records = [
      record([[100, 'q1'], [5_000, null], [5_800, 'q2']]),
      record([[100, 'q1'], [5_300, 'q2']]),
      // The successor herself: attached to herself once crowned.
      record([[100, 'q1'], [5_100, null], [5_200, 'q2']]),
    ];
    const handover = handoverOf('crash', 'q1', records, 5_000, null, null);
    expect(handover.newQueen).toBe('q2');
    expect(handover.perTabMs).toEqual([800, 300, 200]);
    expect(handover.colonyMs).toBe(800);
  });

  it('leaves out tabs that end on the old queen or none, and the colony when they disagree', () => {
    const records = [record([[100, 'q1']]), record([[100, 'q1'], [5_400, 'q3']]), record([[100, 'q1'], [5_100, null]])];
    const handover = handoverOf('crash', 'q1', records, 5_000, null, 'not one hive');
    expect(handover.newQueen).toBeNull();
    expect(handover.perTabMs).toEqual([null, 400, null]);
    expect(handover.colonyMs).toBeNull();
    expect(handover.problem).toBe('not one hive');
  });

  it('counts a tab already on the successor before the event as re-attached at once', () => {
    const records = [record([[100, 'q2']]), record([[100, 'q1'], [5_250, 'q2']])];
    const handover = handoverOf('abdicate', 'q1', records, 5_000, 400, null);
    expect(handover.perTabMs).toEqual([0, 250]);
    expect(handover.colonyMs).toBe(250);
    expect(handover.resolvedMs).toBe(400);
  });
});

describe('where a handover spent its time', () => {
  const staged = (stages: ProbeRecord['stages']): ProbeRecord => ({ ...record([]), stages });
  const worker = (term: number, queen: string | null) => ({ role: 'worker', term, queen });

  it('times the survivors giving up the queen, the straw poll, the election, the crowning and the attachments', () => {
    const records = [
      staged([[100, worker(3, 'q1')], [6_500, worker(3, null)], [6_700, { role: 'candidate', term: 3, queen: null }], [6_750, { role: 'candidate', term: 4, queen: null }], [6_800, { role: 'queen', term: 4, queen: 'q2' }]]),
      // It never noticed the silence: the new queen's claim reached it first.
      staged([[100, worker(3, 'q1')], [6_900, worker(4, 'q2')]]),
    ];
    const stages = stagesOf('q1', records, [800, 900], 5_000);
    expect(stages).toEqual({ firstLostMs: 1_500, lastLostMs: 1_900, campaignMs: 1_700, electionMs: 1_750, crownedMs: 1_800, firstAttachedMs: 800, lastAttachedMs: 900, campaigns: 2, beatGapMs: null });
  });

  it('does not count the abdicating queen as a survivor that lost her', () => {
    const records = [staged([[100, { role: 'queen', term: 2, queen: 'q1' }], [5_010, worker(2, null)], [5_090, worker(3, 'q2')]])];
    expect(stagesOf('q1', records, [90], 5_000).firstLostMs).toBeNull();
  });

  it('takes the longest of the last 8 gaps between her beats each survivor saw before the event', () => {
    const beats = [0, 100, 600, 1_100, 1_600, 2_100, 2_600, 3_100, 3_600, 4_100, 4_600, 6_000];
    const records = [{ ...record([]), queenBeats: beats }, { ...record([]), queenBeats: beats.map((at) => at * 2) }];
    expect(stagesOf('q1', records, [], 5_000).beatGapMs).toBe(500);
  });
});

describe('a settled hive, before the second abdication', () => {
  const bee = (id: string, role: string, queen: string | null, heir: string | null, neighbours: string[]) =>
    ({ id, role, queen, heir, neighbours }) as unknown as HiveSnapshot;
  const queen = bee('q', 'queen', 'q', 'h', ['h', 'w']);
  const heir = bee('h', 'worker', 'q', 'h', ['q']);

  it('is settled once every worker links the heir its queen names', () => {
    expect(heirProblem([queen, heir, bee('w', 'worker', 'q', 'h', ['h', 'q'])])).toBeNull();
  });

  it('is not while a worker has no link to the heir, or names another, or the queen names none', () => {
    expect(heirProblem([queen, heir, bee('w', 'worker', 'q', 'h', ['q'])])).toBe('not linked to the heir h: w');
    expect(heirProblem([queen, heir, bee('w', 'worker', 'q', 'x', ['h', 'q'])])).toBe('not linked to the heir h: w');
    expect(heirProblem([bee('q', 'queen', 'q', null, ['h']), heir])).toBe('the queen names no heir');
  });
});
