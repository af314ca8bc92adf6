// Exhaustive exploration of a small hive: "that is where consensus bugs hide". A few bees crown a
// queen (explore-hatch.ts), and from there every interleaving of up to `depth` choices is tried:
// anything in flight arrives, a bee's clock moves on, one bee crashes, one reloads from its disk
// (explore-colony.ts). Every step of every path is checked: one queen per hive and reign, her
// certificate verifies, one vote per bee and term across reloads.
//
// The search deepens one choice at a time (iterative deepening), so the first violation it meets
// comes with a shortest path to it. A state already explored at least as deep is not explored
// again (stateKey): interleavings that only reorder what different bees do meet there.
//
//   npx tsx src/sim/explore.ts --bees 3 --depth 7 [--seed 1] [--prelude rivals] [--tick-ms 2000] [--crashes 1] [--reloads 1]

import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { defaultSetting, type Setting } from './explore-bees';
import { apply, choices, describe, stateKey, type Colony } from './explore-colony';
import { PRELUDES, start, type Prelude } from './explore-hatch';

export interface ExploreOptions {
  bees: number;
  seed: number;
  depth: number;
  /** Where to start from: the hatched hive, or a scripted opening after it (explore-hatch.ts). */
  prelude?: Prelude;
  setting?: Partial<Setting>;
  /** Called as each depth is done (the command line prints a line). */
  onLevel?: (level: Level) => void;
}

/** The search so far, once every path of `depth` choices was tried. */
export interface Level {
  depth: number;
  /** Distinct states reached, at any depth so far. */
  states: number;
  /** Choices carried out (each one step of a real bee or a fault), over all depths so far. */
  steps: number;
  /** Distinct paths of exactly `depth` choices: the interleavings this depth covered. */
  paths: number;
  elapsedMs: number;
}

export interface Found {
  detail: string;
  /** The choices from the start to the violation: no path is shorter. */
  path: string[];
}

export interface Exploration {
  bees: string[];
  /** The prelude's choices, before the explored ones. */
  prelude: string[];
  levels: Level[];
  violation: Found | null;
}

export function explore(options: ExploreOptions): Exploration {
  const startedMs = performance.now();
  const setting = { ...defaultSetting(), ...options.setting };
  const { colony, prelude } = start(options.bees, options.seed, options.prelude ?? 'hatched', setting);
  const search = new Search(setting);
  const levels: Level[] = [];
  for (let depth = 1; depth <= options.depth && search.found === null; depth++) {
    const paths = search.visit(colony, [], depth)[depth] ?? 0;
    const level = { depth, states: search.states, steps: search.steps, paths, elapsedMs: performance.now() - startedMs };
    levels.push(level);
    options.onLevel?.(level);
  }
  return { bees: colony.bees.map((bee) => bee.id), prelude, levels, violation: search.found };
}

/** Depth first over the choices, remembering for each state how many paths lead on from it. */
class Search {
  steps = 0;
  found: Found | null = null;
  /** State key → how many paths of each length 0..n lead on from it, n being how deep it was explored. */
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly setting: Setting) {}

  get states(): number {
    return this.seen.size;
  }

  /** Paths of each length up to `remaining` from `colony`; stops at the first violation. */
  visit(colony: Colony, path: string[], remaining: number): number[] {
    if (colony.violation !== null) {
      this.found = { detail: colony.violation, path: [...path] };
      return [1];
    }
    const key = stateKey(colony);
    const known = this.seen.get(key);
    if (known !== undefined && known.length > remaining) return known.slice(0, remaining + 1);
    const counts = [1, ...new Array<number>(remaining).fill(0)];
    for (const choice of remaining > 0 ? choices(colony, this.setting) : []) {
      this.steps++;
      path.push(describe(choice));
      const below = this.visit(apply(colony, choice, this.setting), path, remaining - 1);
      path.pop();
      if (this.found !== null) return counts;
      below.forEach((n, length) => (counts[length + 1] = (counts[length + 1] as number) + n));
    }
    this.seen.set(key, counts);
    return counts;
  }
}

/** The state a printed path leads to, from the same start: a path found replays. */
export function replay(options: Omit<ExploreOptions, 'depth' | 'onLevel'>, path: readonly string[]): Colony {
  const setting = { ...defaultSetting(), ...options.setting };
  let { colony } = start(options.bees, options.seed, options.prelude ?? 'hatched', setting);
  for (const [i, line] of path.entries()) {
    const choice = choices(colony, setting).find((c) => describe(c) === line);
    if (choice === undefined) throw new Error(`choice ${i + 1} (${line}) is not possible here`);
    colony = apply(colony, choice, setting);
  }
  return colony;
}

// ---- the command line --------------------------------------------------------------------------

const count = (n: number): string => (n < 1e9 ? n.toLocaleString('en') : n.toExponential(2));

export function formatLevel(level: Level): string {
  return `depth ${level.depth}: ${count(level.states)} states, ${count(level.steps)} steps, ${count(level.paths)} paths of ${level.depth} choices, ${(level.elapsedMs / 1000).toFixed(1)} s`;
}

export function formatFound(found: Found): string {
  return [`VIOLATION: ${found.detail}`, `shortest path (${found.path.length} choices):`, ...found.path.map((line, i) => `  ${i + 1}. ${line}`)].join('\n');
}

function whole(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${raw}`);
  return n;
}

function prelude(raw: string): Prelude {
  const found = PRELUDES.find((p) => p === raw);
  if (found === undefined) throw new Error(`--prelude must be one of ${PRELUDES.join(', ')}, got ${raw}`);
  return found;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      bees: { type: 'string', default: '3' },
      depth: { type: 'string', default: '6' },
      seed: { type: 'string', default: '1' },
      prelude: { type: 'string', default: 'hatched' },
      'tick-ms': { type: 'string', default: String(defaultSetting().tickMs) },
      crashes: { type: 'string', default: '1' },
      reloads: { type: 'string', default: '1' },
    },
  });
  const options: ExploreOptions = {
    bees: whole('bees', values.bees),
    seed: whole('seed', values.seed),
    depth: whole('depth', values.depth),
    prelude: prelude(values.prelude),
    setting: { tickMs: whole('tick-ms', values['tick-ms']), maxCrashes: whole('crashes', values.crashes), maxReloads: whole('reloads', values.reloads) },
    onLevel: (level) => console.log(formatLevel(level)),
  };
  const result = explore(options);
  console.log(`bees ${result.bees.join(', ')} (seed ${options.seed}, prelude ${options.prelude}: ${result.prelude.length} choices)`);
  if (result.violation === null) console.log(`no violation in any interleaving of up to ${options.depth} choices`);
  else {
    console.log([`after the prelude:`, ...result.prelude.map((line) => `  ${line}`), formatFound(result.violation)].join('\n'));
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
