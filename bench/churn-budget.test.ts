import { describe, expect, it } from 'vitest';
import { churnShown, closeBreakdown, linkChanges, linkChurn, livedInWindowMs, longLived, rateOf, type TabLife } from './churn-budget.ts';

const HOUR = 3_600_000;
const window = { startMs: 1_000_000, endMs: 1_000_000 + HOUR / 4 };
const counters = (n = 0) => ({ elections: n, splits: n, merges: n, linksOpened: n });

function tab(id: string, over: Partial<TabLife> = {}): TabLife {
  return { id, kind: 'resident', openedAtMs: 0, leftAtMs: null, how: null, createdAtMs: [], dialledAtMs: [], closed: [], appConnections: 0, countersAtStart: counters(), counters: counters(), ...over };
}

describe('the churn benchmark’s budget arithmetic', () => {
  it('counts only the connections built inside the window, per hour the tabs lived in it', () => {
    const inside = [window.startMs, window.startMs + 10, window.endMs - 1];
    const resident = tab('a', { createdAtMs: [5, 6, ...inside], dialledAtMs: [window.startMs] });
    const rate = rateOf([resident], window, 3);
    // Three in a quarter of an hour: twelve an hour; the two built before the window do not count.
    expect(rate.perBeePerHour).toBe(12);
    expect(rate.dialledPerBeePerHour).toBe(4);
    expect(rate.perJoin).toBe(1);
    expect(rate.maxPerTab).toBe(5);
  });

  it('weighs a tab by the part of the window it lived, so a newcomer’s join counts in full', () => {
    const newcomer = tab('n', { kind: 'newcomer', openedAtMs: window.endMs - HOUR / 60, createdAtMs: [window.endMs - 100, window.endMs - 50] });
    expect(livedInWindowMs(newcomer, window)).toBe(HOUR / 60);
    expect(rateOf([newcomer], window, 1).perBeePerHour).toBe(120);
    expect(livedInWindowMs(tab('gone', { leftAtMs: window.startMs + 1_000 }), window)).toBe(1_000);
    expect(rateOf([], window, 0)).toMatchObject({ perBeePerHour: null, perJoin: null, maxPerTab: 0 });
  });

  it('calls long-lived only the tabs alive from the window’s start to its end', () => {
    const tabs = [
      tab('resident'),
      tab('spared', { kind: 'early' }),
      tab('killed', { kind: 'early', leftAtMs: window.startMs + 5 }),
      tab('late', { kind: 'newcomer', openedAtMs: window.startMs + 5 }),
    ];
    expect(longLived(tabs, window).map((t) => t.id)).toEqual(['resident', 'spared']);
  });

  it('shows the churn as departures, joins and the growth of the protocol counters', () => {
    const tabs = [
      tab('a', { countersAtStart: counters(2), counters: counters(5) }),
      tab('b', { kind: 'early', how: 'crash', leftAtMs: window.startMs + 1, countersAtStart: counters(1), counters: counters(1) }),
      tab('c', { kind: 'early', how: 'close', leftAtMs: window.startMs + 2 }),
      tab('d', { kind: 'newcomer', counters: counters(1) }),
    ];
    expect(churnShown(tabs)).toEqual({ closed: 1, crashed: 1, joined: 1, counters: counters(4) });
  });

  it('sorts closed connections into never connected and by how long they lived', () => {
    const closed = [
      { createdMs: 0, closedMs: 100, dialled: true, connected: false },
      { createdMs: 0, closedMs: 100, dialled: false, connected: false },
      { createdMs: 0, closedMs: 5_000, dialled: true, connected: true },
      { createdMs: 0, closedMs: 20_000, dialled: true, connected: true },
      { createdMs: 0, closedMs: 600_000, dialled: false, connected: true },
    ];
    expect(closeBreakdown(closed)).toEqual({
      total: 5,
      neverConnected: 2,
      neverConnectedDialled: 1,
      byLifeS: { '≤ 5 s': 1, '≤ 30 s': 1, '≤ 120 s': 0, '> 120 s': 1 },
    });
  });

  it('tells the links a long-lived tab lost to a departure from those dropped between two live bees', () => {
    const at = window.startMs + 10_000;
    const tabs = [tab('a'), tab('gone', { kind: 'early', leftAtMs: at - 500 }), tab('alive', { kind: 'early' }), tab('new', { kind: 'newcomer', openedAtMs: at - 2_000 })];
    const changes = [
      ...linkChanges('a', ['gone', 'alive'], ['new'], at),
      // Not a long-lived tab's, or outside the window: not counted.
      ...linkChanges('new', [], ['a'], at),
      ...linkChanges('a', [], ['alive'], window.endMs + 1),
    ];
    expect(changes.slice(0, 3)).toEqual([
      { atMs: at, bee: 'a', peer: 'new', opened: true },
      { atMs: at, bee: 'a', peer: 'gone', opened: false },
      { atMs: at, bee: 'a', peer: 'alive', opened: false },
    ]);
    expect(linkChurn(changes, tabs, window)).toEqual({ opened: { resident: 0, early: 0, newcomer: 1 }, lostToDeparture: 1, lostAlive: 1 });
  });
});
