// Where an exploration starts: a few bees from one seed that crowned a queen of them all, run
// fairly (each bee in turn ticks, and everything in flight is delivered) by the real rules; and,
// from there, scripted openings (preludes) that bring the interesting part within a few choices.
// They hatch on the explorer's own network rather than in a World: a World draws its bees' RNG
// seeds inside, and a bee that cannot be replayed from its seed cannot be rebuilt.

import { ELECTION_RULES } from '../hive/election';
import { sameMembership } from '../hive/membership';
import { seededRng } from '../hive/rng';
import { apply, describe, newColony, type Choice, type Colony } from './explore-colony';
import { hatchedBee, newBee, peek, short, type Setting } from './explore-bees';

/**
 * Hatching ticks each bee this often. Each bee's tick is delivered before the next bee ticks, so
 * the first to campaign wins before the others do: in lockstep, equal timeouts would tie forever.
 */
const HATCH_TICK_MS = 1000;
/** Hatching gives up on a seed whose bees have not crowned a queen by then. */
const MAX_HATCH_MS = 60_000;

/**
 * `hatched`: the hive as it hatched, nothing in flight. `rivals`: every worker gives its queen up and campaigns at once (two ticks each), and their
 * heartbeats arrive: the rival straw polls are in flight, and so are the queen's claims to
 * the workers that no longer follow her. What happens next is the election.
 */
export const PRELUDES = ['hatched', 'rivals'] as const;
export type Prelude = (typeof PRELUDES)[number];

export interface Start {
  colony: Colony;
  /** The choices the prelude made after hatching, as lines of a path. */
  prelude: string[];
}

/** `count` bees from `seed`, hatched, then the prelude played. */
export function start(count: number, seed: number, prelude: Prelude, setting: Setting): Start {
  const hatched = hatch(count, seed, setting);
  if (prelude === 'hatched') return { colony: hatched, prelude: [] };
  const queen = hatched.bees.find((bee) => peek(bee, setting).snapshot().role === 'queen');
  const workers = hatched.bees.filter((bee) => bee !== queen).map((bee) => bee.id);
  const played: Choice[] = workers.flatMap((bee) => [{ kind: 'tick', bee }, { kind: 'tick', bee }]);
  let colony = played.reduce((state, tick) => apply(state, tick, setting), hatched);
  for (let hb = heartbeat(colony); hb !== undefined; hb = heartbeat(colony)) {
    played.push(hb);
    colony = apply(colony, hb, setting);
  }
  return { colony, prelude: played.map(describe) };
}

/** The oldest heartbeat in flight, as a choice to deliver it. */
function heartbeat(colony: Colony): Choice | undefined {
  const item = colony.inFlight.find((i) => i.kind === 'frame' && i.frame.t === 'hb');
  return item && { kind: 'deliver', item };
}

/**
 * `count` bees from `seed` until one queen reigns over all of them with her own membership
 * committed; the state exploration starts from, with nothing in flight. From here on the bees
 * vote by `setting.rules`.
 */
function hatch(count: number, seed: number, setting: Setting): Colony {
  const rng = seededRng(seed);
  const ids: string[] = [];
  while (ids.length < count) {
    const id = rng.hex(8);
    if (!ids.some((other) => short(other) === short(id))) ids.push(id);
  }
  let colony = newColony(ids.map((id) => newBee(id, rng.int(2 ** 31))));
  const hatching: Setting = { ...setting, rules: ELECTION_RULES, tickMs: HATCH_TICK_MS, maxCrashes: 0, maxReloads: 0 };
  for (let nowMs = 0; nowMs <= MAX_HATCH_MS; nowMs += HATCH_TICK_MS) {
    colony = drain(colony, hatching);
    if (reigning(colony, hatching)) return { ...colony, bees: colony.bees.map(hatchedBee) };
    for (const bee of ids) colony = drain(apply(colony, { kind: 'tick', bee }, hatching), hatching);
  }
  throw new Error(`seed ${seed}: ${count} bees crowned no queen of them all in ${MAX_HATCH_MS} ms`);
}

/** Delivers everything in flight, oldest first, until nothing is. */
function drain(colony: Colony, setting: Setting): Colony {
  for (let next = colony.inFlight[0]; next !== undefined; next = colony.inFlight[0]) {
    colony = apply(colony, { kind: 'deliver', item: next }, setting);
    if (colony.violation !== null) throw new Error(`hatching broke an invariant by the real rules: ${colony.violation}`);
  }
  return colony;
}

/** One queen; every bee follows her and stores her membership of them all, proposed in her reign. */
function reigning(colony: Colony, setting: Setting): boolean {
  const views = colony.bees.map((bee) => peek(bee, setting).snapshot());
  const queens = views.filter((view) => view.role === 'queen');
  const queen = queens[0];
  if (queens.length !== 1 || queen === undefined || queen.membership === null) return false;
  const ours = queen.membership;
  return ours.term === queen.term && ours.members.length === colony.bees.length && views.every((view) => view.queen === queen.id && sameMembership(view.membership, ours));
}
