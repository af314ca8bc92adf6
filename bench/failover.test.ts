import { describe, expect, it } from 'vitest';
import { handoverOf } from './failover.ts';
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
