import { describe, expect, it } from 'vitest';
import { STALL_MS, StallGuard } from './stall';

const ticks = (guard: StallGuard, times: readonly number[]) => times.map((at) => guard.passes(at));

describe('a tab that stalled', () => {
  it('passes ticks on time, and a hidden tab’s once a second', () => {
    expect(ticks(new StallGuard(), [0, 250, 500, 1500, 2500])).toEqual([true, true, true, true, true]);
  });

  it('holds back the first tick after a stall, and only that one', () => {
    expect(ticks(new StallGuard(), [0, 250, 250 + STALL_MS + 1, 250 + STALL_MS + 251, 250 + STALL_MS + 501])).toEqual([true, true, false, true, true]);
  });

  it('never holds back two ticks running: a page that is always late still judges every other tick', () => {
    const late = Array.from({ length: 6 }, (_, i) => i * 4000);
    expect(ticks(new StallGuard(), late)).toEqual([true, false, true, false, true, false]);
  });
});
