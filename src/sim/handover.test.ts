import { describe, expect, it } from 'vitest';
import { measureHandovers } from './handover';

/** Seconds on an idle machine; far more while other work shares its two cores. */
const RUN_TIMEOUT_MS = 120_000;

describe('handovers', () => {
  it('100 abdications, in fresh colonies and after failovers: none fails, none re-elects the queen who abdicated', () => {
    const { report } = measureHandovers(100);
    expect(report).toMatchObject({ runs: 100, failed: 0, reelected: 0, violations: 0 });
  }, RUN_TIMEOUT_MS);

  it('take only the network\'s time: with 1 ms links every handover is done within 10 ms', () => {
    const { report } = measureHandovers(20, 1, [1, 1]);
    expect(report.failed).toBe(0);
    expect(report.maxMs).toBeLessThanOrEqual(10);
  }, RUN_TIMEOUT_MS);
});
