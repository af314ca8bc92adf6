import { describe, expect, it } from 'vitest';
import { formatNumber, formatRatio, percentile, ratio, spread, timingFigure } from './figures.ts';

describe('figures', () => {
  it('takes nearest-rank percentiles: every figure reported was observed', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('spreads samples, leaving out the missing ones', () => {
    expect(spread([30, null, 10, 20])).toEqual({ count: 3, p50: 20, p95: 30, max: 30 });
    expect(spread([null])).toEqual({ count: 0, p50: null, p95: null, max: null });
  });

  it('divides a value by its baseline, and gives no ratio without both', () => {
    expect(ratio({ value: 30, baseline: { label: 'b', value: 10 } })).toBe(3);
    expect(ratio({ value: null, baseline: { label: 'b', value: 10 } })).toBeNull();
    expect(ratio({ value: 30, baseline: { label: 'b', value: null } })).toBeNull();
    expect(ratio({ value: 30, baseline: { label: 'b', value: 0 } })).toBeNull();
    expect(ratio({ value: 30, baseline: null })).toBeNull();
  });

  it('reports the p50 of timings with the p95 and the samples missing', () => {
    const figure = timingFigure('t', [100, 200, null, 300], { label: 'b', value: 50 }, 5);
    expect(figure.value).toBe(200);
    expect(figure.detail).toBe('p95 300, n=3, 2 missing');
    expect(timingFigure('t', [], null).note).toBe('no sample');
  });

  it('formats numbers to three significant digits and ratios with a ×', () => {
    expect(formatNumber(1234.5)).toBe('1,235');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.4567)).toBe('0.457');
    expect(formatNumber(null)).toBe('—');
    expect(formatRatio(22.4)).toBe('22×');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(0.0801)).toBe('0.080×');
    expect(formatRatio(0.000477)).toBe('0.00048×');
    expect(formatRatio(null)).toBe('—');
  });
});
