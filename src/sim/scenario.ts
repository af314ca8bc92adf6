// Seeded fault scenarios: a plan of joins, crashes, reloads, frozen tabs, partitions, loss, failed
// writes, clock jumps and messages generated from a seed, run against a World with the invariant
// checker watching. A failing plan shrinks to the
// fewest actions that still fail, which is the trace printed for replay.

import { seededRng } from '../hive/rng';
import { InvariantChecker, type Violation } from './invariants';
import { World, type SimBee, type WorldOptions } from './world';

export type Action =
  | { at: number; kind: 'join' }
  | { at: number; kind: 'close'; queen: boolean }
  | { at: number; kind: 'crash'; queen: boolean }
  | { at: number; kind: 'partition'; share: number }
  | { at: number; kind: 'heal' }
  | { at: number; kind: 'loss'; rate: number }
  | { at: number; kind: 'send' }
  | { at: number; kind: 'reload'; queen: boolean }
  | { at: number; kind: 'freeze'; queen: boolean; ms: number }
  | { at: number; kind: 'storageFails'; rate: number }
  | { at: number; kind: 'jumpClock'; queen: boolean; ms: number };

export interface ScenarioResult {
  seed: number;
  actions: Action[];
  violations: Violation[];
  bees: number;
  elections: number;
  maxTerm: number;
}

/** Long enough for silent departures to stop counting as voters, and an election after. */
export const SETTLE_MS = 60_000;
/** A frozen tab stays frozen up to this long: past a queen's timeout, so her hive moves on without her. */
const MAX_FREEZE_MS = 15_000;
/** A clock jumps ahead up to this far (a machine waking up, a corrected clock). */
const MAX_CLOCK_JUMP_MS = 60_000;

/** A random plan: a colony forms, suffers 20 s of faults and messages, then is left alone. */
export function planScenario(seed: number, initialBees = 6 + (seed % 10)): Action[] {
  const rng = seededRng(seed);
  const actions: Action[] = [];
  for (let i = 0; i < initialBees; i++) actions.push({ at: i * 100, kind: 'join' });
  const faultsFrom = 12_000;
  for (let at = faultsFrom; at < faultsFrom + 20_000; at += 500 + rng.int(1500)) {
    const roll = rng.next();
    if (roll < 0.15) actions.push({ at, kind: 'join' });
    else if (roll < 0.25) actions.push({ at, kind: 'close', queen: rng.next() < 0.6 });
    else if (roll < 0.33) actions.push({ at, kind: 'crash', queen: rng.next() < 0.6 });
    else if (roll < 0.38) actions.push({ at, kind: 'partition', share: 0.2 + rng.next() * 0.3 });
    else if (roll < 0.43) actions.push({ at, kind: 'heal' });
    else if (roll < 0.48) actions.push({ at, kind: 'loss', rate: rng.next() * 0.05 });
    else if (roll < 0.53) actions.push({ at, kind: 'reload', queen: rng.next() < 0.5 });
    else if (roll < 0.57) actions.push({ at, kind: 'freeze', queen: rng.next() < 0.5, ms: 500 + rng.int(MAX_FREEZE_MS) });
    else if (roll < 0.6) actions.push({ at, kind: 'storageFails', rate: rng.next() * 0.5 });
    else if (roll < 0.63) actions.push({ at, kind: 'jumpClock', queen: rng.next() < 0.5, ms: 1 + rng.int(MAX_CLOCK_JUMP_MS) });
    else actions.push({ at, kind: 'send' });
  }
  return actions;
}

export interface SentMessage {
  from: string;
  to: string;
  body: string;
  ref: number;
  /** The sender's page load (SimBee.lives): the simulator keeps no outbox across a reload. */
  life: number;
}

/** A world under a plan: carries out actions one at a time, with the invariant checker watching. */
export interface Stage {
  world: World;
  checker: InvariantChecker;
  sent: SentMessage[];
  /** Runs the world up to the action's time, then carries it out. */
  act(action: Action): void;
}

/** A protocol or driver broken on purpose, to prove the checker sees what it breaks. */
export type Mutation = Pick<WorldOptions, 'rules' | 'framesWaitForWrites'>;

/** The one way plans are carried out, so a trace from any run replays in runScenario. */
export function stage(seed: number, mutation: Mutation = {}): Stage {
  const world = new World({ seed, ...mutation });
  const checker = new InvariantChecker(world);
  const rng = seededRng(seed ^ 0x5eed);
  const sent: SentMessage[] = [];
  /** A random live bee, or the queen of the biggest hive: losing her hurts most. */
  const pick = (queen: boolean): string | undefined => {
    const live = world.liveIds();
    const queens = live.filter((id) => world.bees.get(id)?.role === 'queen');
    if (!queen || queens.length === 0) return rng.pick(live);
    const size = (id: string): number => world.bees.get(id)?.protocol.hiveView().workers.length ?? 0;
    return queens.reduce((best, id) => (size(id) > size(best) ? id : best));
  };
  const act = (action: Action): void => {
    world.runUntil(action.at);
    switch (action.kind) {
      case 'join': world.addBee(); break;
      case 'close': { const bee = pick(action.queen); if (bee) world.closeBee(bee); break; }
      case 'crash': { const bee = pick(action.queen); if (bee) world.crashBee(bee); break; }
      case 'partition': {
        const live = world.liveIds();
        const cut = live.filter(() => rng.next() < action.share);
        world.split([cut, live.filter((id) => !cut.includes(id))]);
        break;
      }
      case 'heal': world.heal(); break;
      case 'loss': world.loss = action.rate; break;
      case 'send': {
        const [from, to] = [pick(false), pick(false)];
        if (from && to && from !== to) {
          const ref = sent.length + 1;
          sent.push({ from, to, body: `m${ref}`, ref, life: (world.bees.get(from) as SimBee).lives });
          world.send(from, to, `m${ref}`, ref);
        }
        break;
      }
      case 'reload': { const bee = pick(action.queen); if (bee) world.reload(bee); break; }
      case 'freeze': { const bee = pick(action.queen); if (bee) world.freeze(bee, action.ms); break; }
      case 'storageFails': world.storageFailRate = action.rate; break;
      case 'jumpClock': { const bee = pick(action.queen); if (bee) world.jumpClock(bee, action.ms); break; }
    }
  };
  return { world, checker, sent, act };
}

/** Carries out the plan, then leaves the colony alone for settleMs and checks it settled. */
export function runScenario(seed: number, actions: Action[], mutation: Mutation = {}, settleMs = SETTLE_MS): ScenarioResult {
  const { world, checker, sent, act } = stage(seed, mutation);
  for (const action of actions) act(action);
  // Faults stop: the network heals and is lossless again, storage works, and the colony is left alone.
  world.heal();
  world.loss = 0;
  world.storageFailRate = 0;
  world.runFor(settleMs);
  if (world.liveIds().length >= 2) checker.checkSettled(world.config.capacity);
  checker.checkDelivery(sent);
  checker.checkFollowedQueens();
  return {
    seed,
    actions,
    violations: checker.violations,
    bees: world.bees.size,
    elections: [...world.bees.values()].reduce((sum, bee) => sum + bee.elections, 0),
    maxTerm: world.liveIds().reduce((max, id) => Math.max(max, world.bees.get(id)!.term), 0),
  };
}

/** Drop actions one at a time while the run still breaks the same invariant: the trace to replay. */
export function shrink(seed: number, actions: Action[], mutation: Mutation = {}, settleMs = SETTLE_MS): Action[] {
  const broken = runScenario(seed, actions, mutation, settleMs).violations[0]?.invariant;
  if (broken === undefined) return actions;
  let current = actions;
  for (let i = current.length - 1; i >= 0; i--) {
    const fewer = current.filter((_, j) => j !== i);
    if (runScenario(seed, fewer, mutation, settleMs).violations.some((v) => v.invariant === broken)) current = fewer;
  }
  return current;
}
