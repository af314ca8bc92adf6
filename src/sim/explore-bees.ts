// The bees of an explored colony, kept as what made them. A state branches, and a Protocol cannot
// be copied: its parts hold closures over one another (the warden, the router and a queen's
// court call back into it) and its RNG keeps its state in a closure. So a bee is its page's seed
// and restored standing and every event it stepped since, at its own clock; replaying that log
// rebuilds it exactly, as the core is deterministic. A rebuild costs some forty steps, a tenth
// of a millisecond, and is needed only for a step no path took before (stepBee); a hand-written
// clone would be faster and would go quietly wrong the day the core gets a field it does not
// copy, and the core is being split into modules as this is written. Replays use nothing but
// the core's public API.

import { createHash } from 'node:crypto';
import type { Claim, Notary, Seal } from '../hive/certificate';
import { ELECTION_RULES, type ElectionRules } from '../hive/election';
import { DEFAULT_CONFIG, Protocol, type Effect, type HiveConfig, type HiveEvent, type Restored } from '../hive/protocol';
import { seededRng } from '../hive/rng';
import { simNotary } from './notary';

/**
 * The protocol's defaults with elections compressed in time: one tick without word from her and
 * a worker gives its queen up, the next it campaigns, so a failover fits in a few choices. Safety
 * must not depend on timing, so any timing is fair game.
 */
const EXPLORE_CONFIG: HiveConfig = { ...DEFAULT_CONFIG, queenTimeoutMs: 1500, electionMinMs: 500, electionSpreadMs: 500 };
/** How far one explored tick moves a bee's clock: past the queen timeout, with a heartbeat each. */
const TICK_MS = 2000;
/** Hex digits of a bee id shown in paths: enough to tell a handful of bees apart. */
const SHORT_ID_CHARS = 4;
/** Step outcomes remembered per exploration (each holds the frames the step sent). */
const MAX_OUTCOMES = 500_000;

/** What an exploration runs by; everything else follows from the seed and the choices. */
export interface Setting {
  /** The rules the bees vote by once the colony hatched (it always hatches by the real ones). */
  rules: ElectionRules;
  config: HiveConfig;
  tickMs: number;
  /** Faults one path may hold: crashes (a bee stops, nobody is told) and reloads (from its disk). */
  maxCrashes: number;
  maxReloads: number;
  /** The notary's signing secret: seals made without it do not verify. */
  notaryKey: number;
}

export const defaultSetting = (): Setting => ({ rules: ELECTION_RULES, config: EXPLORE_CONFIG, tickMs: TICK_MS, maxCrashes: 1, maxReloads: 1, notaryKey: 1 });

/** One event a bee stepped, at its own clock. */
interface Stepped {
  event: HiveEvent;
  nowMs: number;
}

/** One page load of a bee: the seed and standing it started from, and every event it stepped since. */
interface Page {
  rngSeed: number;
  restored: Restored;
  log: readonly Stepped[];
  /** How many steps of the log the colony hatched by: they replay by the real rules. */
  hatched: number;
}

/** A bee as of one state. Immutable: a step makes a new one, so states share the bees they do not change. */
export interface Bee {
  id: string;
  alive: boolean;
  page: Page;
  /** Its own clock: ticks move it, everything else happens at it. */
  nowMs: number;
  /** What a reload restores it from: its last persisted standing and the ids it delivered. */
  disk: Restored;
  /** A fingerprint of everything it went through, over all its pages: equal histories, equal bees. */
  history: string;
  /** The Protocol in exactly this state, if one is at hand; whoever steps the bee takes it. */
  cache: { protocol: Protocol | null };
}

/** A 120-bit fingerprint of `text`: states are told apart by it, so it must not collide among millions. */
export const fingerprint = (text: string): string => createHash('sha1').update(text).digest('base64').slice(0, 20);
export const short = (bee: string): string => bee.slice(0, SHORT_ID_CHARS);

const NOTHING_STORED: Restored = { term: 0, votedFor: null, membership: null, seal: null, deliveredIds: [] };

export function newBee(id: string, rngSeed: number): Bee {
  return { id, alive: true, page: { rngSeed, restored: NOTHING_STORED, log: [], hatched: 0 }, nowMs: 0, disk: NOTHING_STORED, history: id, cache: { protocol: null } };
}

/** The bee as exploration starts from it: what it stepped so far replays by the real rules. */
export function hatchedBee(bee: Bee): Bee {
  return { ...bee, page: { ...bee.page, hatched: bee.page.log.length }, cache: { protocol: null } };
}

/** The same bee on a new page: its disk alone, a page seed of its own, its clock running on. */
export function reloadedBee(bee: Bee): Bee {
  const page: Page = { rngSeed: seededRng(bee.page.rngSeed).int(2 ** 31), restored: bee.disk, log: [], hatched: 0 };
  return { ...bee, alive: true, page, history: fingerprint(`${bee.history} reloaded`), cache: { protocol: null } };
}

export function crashedBee(bee: Bee): Bee {
  return { ...bee, alive: false, history: fingerprint(`${bee.history} crashed`), cache: { protocol: null } };
}

/** What one step of a bee did: its effects, and its claim if it was crowned (the checker verifies it). */
interface Outcome {
  effects: readonly Effect[];
  claim: Claim | null;
}

/** Outcomes of steps already taken in one exploration, by the history they lead to. */
const outcomes = new WeakMap<Setting, Map<string, Outcome>>();

/**
 * One step: the bee after `event` at `nowMs`, and what the step did. `name` tells the event
 * apart in the bee's history (a delivered frame's key, so its JSON is not written twice).
 *
 * A step's outcome depends on nothing but the bee's history and the event, and the same step
 * recurs in every interleaving that differs only in what the other bees did: it is worked out
 * once per exploration and looked up after that. Only a step never taken before needs the bee's
 * Protocol, and only then is a bee rebuilt.
 */
export function stepBee(bee: Bee, event: HiveEvent, nowMs: number, setting: Setting, name: string): { bee: Bee; outcome: Outcome } {
  const history = fingerprint(`${bee.history} ${name} ${nowMs}`);
  const page = { ...bee.page, log: [...bee.page.log, { event, nowMs }] };
  const known = outcomesOf(setting);
  const outcome = known.get(history);
  if (outcome !== undefined) return { bee: { ...bee, nowMs, page, history, cache: { protocol: null } }, outcome };
  const protocol = take(bee, setting);
  const effects = protocol.step(event, nowMs);
  const crowned = effects.some((effect) => effect.type === 'roleChanged' && effect.role === 'queen');
  const taken = { effects, claim: crowned ? protocol.claim() : null };
  // A bound on memory: past it, outcomes are worked out again (the search stays right, only slower).
  if (known.size >= MAX_OUTCOMES) known.clear();
  known.set(history, taken);
  return { bee: { ...bee, nowMs, page, history, cache: { protocol } }, outcome: taken };
}

function outcomesOf(setting: Setting): Map<string, Outcome> {
  let known = outcomes.get(setting);
  if (known === undefined) outcomes.set(setting, (known = new Map()));
  return known;
}

/** A bee's Protocol to look at (snapshot, claim) without stepping it: it stays at hand. */
export function peek(bee: Bee, setting: Setting): Protocol {
  const protocol = take(bee, setting);
  bee.cache.protocol = protocol;
  return protocol;
}

/** The bee's Protocol, taken from the cache (the first branch gets it) or rebuilt from its page. */
function take(bee: Bee, setting: Setting): Protocol {
  const cached = bee.cache.protocol;
  bee.cache.protocol = null;
  if (cached) return cached;
  const { rngSeed, restored, log, hatched } = bee.page;
  const phased = phasedRules(setting.rules);
  const protocol = new Protocol(bee.id, seededRng(rngSeed), notaryOf(bee.id, setting.notaryKey), { config: setting.config, rules: phased.rules, restored });
  for (const { event, nowMs } of log.slice(0, hatched)) protocol.step(event, nowMs);
  phased.explore();
  for (const { event, nowMs } of log.slice(hatched)) protocol.step(event, nowMs);
  return protocol;
}

/**
 * Rules that are the protocol's own until `explore()`, and the explored ones after: a colony
 * hatches by the real rules (broken ones may never crown a queen of them all), and a rebuilt bee
 * must replay its hatching by them too.
 */
function phasedRules(explored: ElectionRules): { rules: ElectionRules; explore(): void } {
  let rules = ELECTION_RULES;
  return {
    rules: {
      grantsVote: (votedFor, candidate) => rules.grantsVote(votedFor, candidate),
      mayVote: (voter, membership) => rules.mayVote(voter, membership),
      countsVote: (voter, membership) => rules.countsVote(voter, membership),
      needed: (membership, linked) => rules.needed(membership, linked),
      certifies: (claimant, claim, notary) => rules.certifies(claimant, claim, notary),
    },
    explore: () => {
      rules = explored;
    },
  };
}

/** Notaries by `key bee`, shared by every rebuild of the bee. */
const notaries = new Map<string, Notary>();

/**
 * The simulator's notary for `bee`, remembering its answers: seals are deterministic, and each
 * rebuild asks for the same ones again (their canonical JSON was a third of the time).
 */
function notaryOf(bee: string, key: number): Notary {
  const name = `${key} ${bee}`;
  let notary = notaries.get(name);
  if (notary === undefined) {
    const plain = simNotary(bee, key);
    const seals = new Map<string, Seal>();
    const verdicts = new Map<string, boolean>();
    notary = {
      seal: (statement) => remembered(seals, JSON.stringify(statement), () => plain.seal(statement)),
      verify: (statement, seal) => remembered(verdicts, `${JSON.stringify(statement)} ${JSON.stringify(seal)}`, () => plain.verify(statement, seal)),
    };
    notaries.set(name, notary);
  }
  return notary;
}

function remembered<T>(known: Map<string, T>, key: string, work: () => T): T {
  let value = known.get(key);
  if (value === undefined) known.set(key, (value = work()));
  return value;
}
