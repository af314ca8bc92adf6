import { describe, expect, it } from 'vitest';
import type { ProbeRecord } from './probe.ts';
import { colonyAttachedMs, firstInstantAll, tabSamples } from './samples.ts';

function record(timeOriginMs: number, attached: ProbeRecord['attached'], extra: Partial<ProbeRecord> = {}): ProbeRecord {
  return {
    timeOriginMs,
    hiveSetMs: 100,
    readyMs: 200,
    firstLinkMs: 300,
    fullRosterMs: 400,
    fullRoster: ['a', 'b'],
    attached,
    versions: [],
    stages: [],
    queenBeats: [],
    error: null,
    ...extra,
  };
}

describe('samples across tabs', () => {
  // Tab A navigates at epoch 1000, tab B at 1500: page clocks differ, the machine clock does not.
  const a = record(1_000, [
    [500, 'q1'],
    [3_000, null],
    [3_400, 'q2'],
  ]);
  const b = record(1_500, [
    [200, 'q1'],
    [2_600, 'q2'],
  ]);
  const sameQueen = (queens: ReadonlyArray<string | null>) => queens[0] !== null && queens.every((queen) => queen === queens[0]);

  it('finds the first instant every tab holds a condition, on the shared clock', () => {
    expect(firstInstantAll([a, b], (r) => r.attached, null, sameQueen)).toBe(1_700);
  });

  it('starts the replay at a given instant, holding each tab at its value then', () => {
    // After epoch 3,000 (A still on q1, B too) the condition holds at once.
    expect(firstInstantAll([a, b], (r) => r.attached, null, sameQueen, 3_000)).toBe(3_000);
    // Wanting q2 everywhere: B moves at 4,100, A leaves q1 at 4,000 and reaches q2 at 4,400.
    const onQ2 = (queens: ReadonlyArray<string | null>) => queens.every((queen) => queen === 'q2');
    expect(firstInstantAll([a, b], (r) => r.attached, null, onQ2, 3_000)).toBe(4_400);
    expect(firstInstantAll([a, b], (r) => r.attached, null, (qs) => qs.includes('q3'))).toBeNull();
  });

  it('times each tab from its own navigation, and the colony from the first navigation', () => {
    const tabs = tabSamples([a, b], ['a', 'b']);
    expect(tabs.map((tab) => tab.attachedMs)).toEqual([500, 200]);
    expect(colonyAttachedMs([a, b])).toBe(700);
  });

  it('does not count a full roster that holds a bee from outside the run', () => {
    const stranger = record(1_000, [], { fullRoster: ['a', 'zz'] });
    expect(tabSamples([stranger], ['a', 'b'])[0]!.fullRosterMs).toBeNull();
    expect(colonyAttachedMs([stranger])).toBeNull();
  });
});
