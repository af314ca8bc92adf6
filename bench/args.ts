// `npm run bench -- [names…] [--flags]`: which benchmarks to run, and their knobs. Pure.

import { parseArgs } from 'node:util';
import { BENCH_NAMES, OPT_IN_BENCHES, type BenchName } from './figures.ts';
import type { TransportName } from './samples.ts';
import { DEFAULT_HEAP_MIB, DEFAULT_SIM_SIZES } from './scale.ts';
import { DEFAULT_SIGNAL_BEES } from './signaling.ts';

const TRANSPORTS: readonly TransportName[] = ['simple-peer', 'peerjs'];

export interface SuiteOptions {
  benches: BenchName[];
  join: { sizes: number[]; runs: number; transports: TransportName[] };
  failover: { size: number; runs: number };
  relay: { size: number; runs: number; pings: number; bulk: number };
  upgrade: { sizes: number[]; runs: number };
  idle: { size: number; windowS: number; settleS: number };
  churn: { size: number; capacity: number; windowS: number; minGapS: number; maxGapS: number; seed: number };
  classroom: { size: number; holdS: number };
  scale: { sizes: number[]; capS: number | null; heapMiB: number };
  signaling: { bees: number; rounds: number };
}

export const USAGE = `usage: npm run bench -- [${BENCH_NAMES.join('|')} …] [options]
  (no names: all of them but ${OPT_IN_BENCHES.join(', ')}, in that order)
  --sizes 8,16        join: colony sizes            --runs 3         join: runs per size and transport
  --transports simple-peer[,peerjs]                 transports for join; failover, relay, upgrade, idle, churn and classroom use the first
  --failover-size 8   --failover-runs 3             --relay-size 6   --relay-runs 2   --pings 50   --bulk 200
  --upgrade-sizes 8[,32]   --upgrade-runs 2
  --idle-size 16 (32: the issue's classroom)       --idle-window-s 20   --idle-settle-s 10
  --churn-size 12   --churn-capacity 4   --churn-window-s 150   --churn-gap-s 3,7 (a departure and a join every 3–7 s)   --churn-seed 1
  --classroom-size 32   --classroom-hold-s 30   (classroom: N tabs converge into hives; links per bee, memory per tab)
  --sim-sizes 100,1000,3000,10000                   --sim-cap-s N (wall cap per size; default per size)   --sim-heap-mib ${DEFAULT_HEAP_MIB}
  --signal-bees ${DEFAULT_SIGNAL_BEES}  --signal-rounds 3`;

function integers(flag: string, raw: string, min: number): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < min)) {
    throw new Error(`--${flag} wants integers of at least ${min} separated by commas, got "${raw}"`);
  }
  return values;
}

function integer(flag: string, raw: string, min: number): number {
  const values = integers(flag, raw, min);
  if (values.length !== 1) throw new Error(`--${flag} wants one integer, got "${raw}"`);
  return values[0]!;
}

const DEFAULTS = {
  sizes: '8,16',
  runs: '3',
  transports: 'simple-peer',
  'failover-size': '8',
  'failover-runs': '3',
  'relay-size': '6',
  'relay-runs': '2',
  pings: '50',
  bulk: '200',
  'upgrade-sizes': '8',
  'upgrade-runs': '2',
  'idle-size': '16',
  'idle-window-s': '20',
  'idle-settle-s': '10',
  'churn-size': '12',
  'churn-capacity': '4',
  'churn-window-s': '150',
  'churn-gap-s': '3,7',
  'churn-seed': '1',
  'classroom-size': '32',
  'classroom-hold-s': '30',
  'sim-sizes': DEFAULT_SIM_SIZES.join(','),
  'sim-cap-s': '',
  'sim-heap-mib': String(DEFAULT_HEAP_MIB),
  'signal-bees': String(DEFAULT_SIGNAL_BEES),
  'signal-rounds': '3',
};
type Flag = keyof typeof DEFAULTS;
const FLAGS = Object.fromEntries(Object.entries(DEFAULTS).map(([name, fallback]) => [name, { type: 'string', default: fallback }])) as {
  [K in Flag]: { type: 'string'; default: string };
};

function churnOptions(values: Record<Flag, string>): SuiteOptions['churn'] {
  const gaps = integers('churn-gap-s', values['churn-gap-s'], 1);
  if (gaps.length !== 2 || gaps[0]! > gaps[1]!) throw new Error(`--churn-gap-s wants the shortest and longest gap, "min,max", got "${values['churn-gap-s']}"`);
  return {
    size: integer('churn-size', values['churn-size'], 3),
    capacity: integer('churn-capacity', values['churn-capacity'], 1),
    windowS: integer('churn-window-s', values['churn-window-s'], 1),
    minGapS: gaps[0]!,
    maxGapS: gaps[1]!,
    seed: integer('churn-seed', values['churn-seed'], 0),
  };
}

export function parseSuiteArgs(argv: readonly string[]): SuiteOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: FLAGS,
  });
  const unknown = positionals.filter((name) => !(BENCH_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')} (known: ${BENCH_NAMES.join(', ')})`);
  const transports = values.transports.split(',').map((name) => name.trim());
  const badTransports = transports.filter((name) => !(TRANSPORTS as readonly string[]).includes(name));
  if (badTransports.length > 0) throw new Error(`--transports: unknown ${badTransports.join(', ')} (known: ${TRANSPORTS.join(', ')})`);
  // Keep the suite's order whatever order the names came in.
  const benches = positionals.length === 0 ? BENCH_NAMES.filter((name) => !OPT_IN_BENCHES.includes(name)) : BENCH_NAMES.filter((name) => positionals.includes(name));
  return {
    benches,
    join: { sizes: integers('sizes', values.sizes, 2), runs: integer('runs', values.runs, 1), transports: transports as TransportName[] },
    failover: { size: integer('failover-size', values['failover-size'], 3), runs: integer('failover-runs', values['failover-runs'], 1) },
    relay: {
      size: integer('relay-size', values['relay-size'], 3),
      runs: integer('relay-runs', values['relay-runs'], 1),
      pings: integer('pings', values.pings, 1),
      bulk: integer('bulk', values.bulk, 1),
    },
    upgrade: { sizes: integers('upgrade-sizes', values['upgrade-sizes'], 2), runs: integer('upgrade-runs', values['upgrade-runs'], 1) },
    idle: {
      size: integer('idle-size', values['idle-size'], 2),
      windowS: integer('idle-window-s', values['idle-window-s'], 1),
      settleS: integer('idle-settle-s', values['idle-settle-s'], 0),
    },
    churn: churnOptions(values),
    classroom: { size: integer('classroom-size', values['classroom-size'], 2), holdS: integer('classroom-hold-s', values['classroom-hold-s'], 1) },
    scale: {
      sizes: integers('sim-sizes', values['sim-sizes'], 2),
      capS: values['sim-cap-s'] === '' ? null : integer('sim-cap-s', values['sim-cap-s'], 1),
      heapMiB: integer('sim-heap-mib', values['sim-heap-mib'], 256),
    },
    signaling: { bees: integer('signal-bees', values['signal-bees'], 1), rounds: integer('signal-rounds', values['signal-rounds'], 1) },
  };
}
