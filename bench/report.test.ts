import { describe, expect, it } from 'vitest';
import type { BenchResult } from './figures.ts';
import { markdownSummary, type MachineInfo } from './report.ts';

const machine = (peak: number): MachineInfo => ({
  cpuModel: 'Test CPU',
  cores: 2,
  memoryGiB: 8,
  os: 'Linux',
  node: 'v20',
  chromium: '156',
  playwright: '1.65.1',
  network: 'own network namespace',
  loadAverage: { start: 1, end: 1, peak },
  commit: 'abc1234',
});

const result = (overrides: Partial<BenchResult>): BenchResult => ({
  name: 'relay',
  status: 'measured',
  notes: [],
  figures: [],
  details: [],
  settings: {},
  raw: null,
  ...overrides,
});

describe('the markdown summary', () => {
  const records = [
    {
      result: result({
        figures: [{ label: 'round trip', unit: 'ms', value: 18, detail: 'p95 38, n=100', baseline: { label: 'direct', value: 0.8 } }],
        details: ['detail line'],
        goals: [{ goal: 'abdicate → all re-attached', target: 'p50 < 100 ms', measured: 'p50 268 ms, p95 373 ms (n=3)', met: false }],
      }),
      startedAt: '2026-01-01T00:00:00.000Z',
      durationS: 23,
      load: { start: 1, end: 2, peak: 2 },
    },
    {
      result: result({
        name: 'upgrade',
        status: 'not available',
        notes: ['seedUpgrade() is not in this build'],
        figures: [{ label: 'spread', unit: 'ms', value: null, baseline: { label: 'discovery mode', value: null }, note: 'not available' }],
      }),
      startedAt: '2026-01-01T00:00:30.000Z',
      durationS: 2,
      load: { start: 2, end: 2, peak: 2 },
    },
  ];

  it('puts every figure next to its baseline and their ratio, and says what was not measured', () => {
    const md = markdownSummary(records, { date: 'today', durationS: 25, machine: machine(2), plots: [{ file: 'ratios.svg', alt: 'ratios' }] });
    expect(md).toContain('| relay | round trip | 18 ms | p95 38, n=100 | direct | 0.8 ms | 23× |');
    expect(md).toContain('| upgrade | spread | not available |  | discovery mode | — | — |');
    expect(md).toContain('| relay | abdicate → all re-attached | p50 < 100 ms | p50 268 ms, p95 373 ms (n=3) | not met |');
    expect(md).toContain('Test CPU, 2 cores, 8 GiB');
    expect(md).toContain('Chromium 156');
    expect(md).toContain('![ratios](ratios.svg)');
    expect(md).toContain('## upgrade: not available');
    expect(md).toContain('- seedUpgrade() is not in this build');
    expect(md).not.toContain('Busy machine');
  });

  it('warns when other work loaded the machine', () => {
    expect(markdownSummary(records, { date: 'today', durationS: 25, machine: machine(9), plots: [] })).toContain('**Busy machine:** the 1-minute load average reached 9 on 2 cores');
  });
});
