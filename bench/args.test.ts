import { describe, expect, it } from 'vitest';
import { parseSuiteArgs } from './args.ts';
import { BENCH_NAMES } from './figures.ts';

describe('npm run bench arguments', () => {
  it('runs every benchmark by default, with the documented defaults', () => {
    const options = parseSuiteArgs([]);
    expect(options.benches).toEqual(BENCH_NAMES.filter((name) => name !== 'classroom'));
    expect(parseSuiteArgs(['classroom']).classroom).toEqual({ size: 32, holdS: 30 });
    expect(options.join).toEqual({ sizes: [8, 16], runs: 3, transports: ['simple-peer'] });
    expect(options.scale).toMatchObject({ sizes: [100, 1_000, 3_000, 10_000], capS: null });
    expect(options.signaling.bees).toBe(1_000);
    expect(options.idle).toEqual({ size: 16, windowS: 20, settleS: 10 });
    expect(options.churn).toEqual({ size: 12, capacity: 4, windowS: 150, minGapS: 3, maxGapS: 7, seed: 1 });
  });

  it('selects benchmarks by name, in the suite order', () => {
    expect(parseSuiteArgs(['signaling', 'relay']).benches).toEqual(['relay', 'signaling']);
    expect(parseSuiteArgs(['scale', '--sim-sizes', '10000', '--sim-cap-s', '1800']).scale).toMatchObject({ sizes: [10_000], capS: 1_800 });
  });

  it('refuses unknown names, transports and malformed numbers with a clear message', () => {
    expect(() => parseSuiteArgs(['relya'])).toThrow(/unknown benchmark relya/);
    expect(() => parseSuiteArgs(['--transports', 'carrier-pigeon'])).toThrow(/unknown carrier-pigeon/);
    expect(() => parseSuiteArgs(['--sizes', '8,x'])).toThrow(/--sizes wants integers/);
    expect(() => parseSuiteArgs(['--runs', '2,3'])).toThrow(/--runs wants one integer/);
    expect(() => parseSuiteArgs(['--churn-gap-s', '7,3'])).toThrow(/--churn-gap-s wants the shortest and longest gap/);
    expect(() => parseSuiteArgs(['--nope'])).toThrow();
  });
});
