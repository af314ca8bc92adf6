// A colony of pages starved of CPU, in the simulator: the way 32 real tabs on 2 cores behave
// (docs/benchmarks.md, "Pages starved of CPU"). Bees join over a few seconds; every second each
// page's JavaScript stalls, with probability `p`, for 100 ms up to `stall` ms (world.freeze:
// frames pile up, timers wait). Reports per seed when the colony settled, how many elections it
// took and how many peer connections each bee built.
//
//   tsx bench/starved-sim.ts [--bees 32] [--p 0.5] [--stall 1500] [--seeds 4] [--latency 300]

import { parseArgs } from 'node:util';
import { seededRng } from '../src/hive/rng.ts';
import { settledHives } from '../src/sim/run.ts';
import { World } from '../src/sim/world.ts';

const STEP_MS = 250;
const LIMIT_MS = 120_000;
const JOIN_SPREAD_MS = 8_000;

interface Outcome {
  seed: number;
  settledMs: number | null;
  elections: number;
  connectionsPerBee: number;
}

function starve(bees: number, p: number, stallMs: number, latencyMs: number, seed: number): Outcome {
  const world = new World({ seed, latencyMs: [5, latencyMs] });
  const rng = seededRng(seed * 7919);
  let settledMs: number | null = null;
  for (let t = 0; t < LIMIT_MS; t += STEP_MS) {
    while (world.liveIds().length < Math.min(bees, Math.floor((t * bees) / JOIN_SPREAD_MS) + 1)) world.addBee();
    if (t % 1000 === 0) for (const id of world.liveIds()) if (rng.next() < p) world.freeze(id, 100 + rng.int(stallMs - 100));
    world.runFor(STEP_MS);
    if (world.liveIds().length === bees && settledHives(world) !== null) {
      settledMs = world.now;
      break;
    }
  }
  const all = [...world.bees.values()];
  return {
    seed,
    settledMs,
    elections: all.reduce((sum, bee) => sum + bee.protocol.snapshot().counters.elections, 0),
    connectionsPerBee: all.reduce((sum, bee) => sum + bee.connections, 0) / bees,
  };
}

const { values } = parseArgs({
  options: {
    bees: { type: 'string', default: '32' },
    p: { type: 'string', default: '0.5' },
    stall: { type: 'string', default: '1500' },
    seeds: { type: 'string', default: '4' },
    latency: { type: 'string', default: '300' },
  },
});
const [bees, p, stall, seeds, latency] = [values.bees, values.p, values.stall, values.seeds, values.latency].map(Number) as [number, number, number, number, number];
console.log(`${bees} bees joining over ${JOIN_SPREAD_MS / 1000} s; each page stalls with p=${p} a second, for up to ${stall} ms; one-way latency 5–${latency} ms\n`);
console.log('| seed | settled (virtual s) | elections | connections per bee |\n|---:|---:|---:|---:|');
for (let seed = 1; seed <= seeds; seed++) {
  const { settledMs, elections, connectionsPerBee } = starve(bees, p, stall, latency, seed);
  console.log(`| ${seed} | ${settledMs === null ? `not in ${LIMIT_MS / 1000}` : (settledMs / 1000).toFixed(1)} | ${elections} | ${connectionsPerBee.toFixed(1)} |`);
}
