// An explored colony: a few bees (explore-bees.ts), each on its own clock, over a network that
// holds whatever is in flight until the explorer picks what happens next. Nothing here is random:
// the explorer's choices are the only nondeterminism, so a list of choices names a state. Every
// step is checked as it happens, against everything earlier on its path: one queen per hive and
// reign, her certificate verifies, one vote per bee and term across reloads.

import { certifies, type Claim } from '../hive/certificate';
import type { Frame } from '../hive/frames';
import type { Effect, HiveEvent, Restored } from '../hive/protocol';
import { simNotary } from './notary';
import { crashedBee, fingerprint, reloadedBee, short, stepBee, type Bee, type Setting } from './explore-bees';

/** What the network holds: a frame on a link, a link being opened, or a notice for one bee. */
type Carried =
  | { kind: 'frame'; from: string; to: string; frame: Frame }
  | { kind: 'open'; from: string; to: string }
  | { kind: 'notice'; to: string; event: Extract<HiveEvent, { type: 'linkClosed' | 'welcome' }> };

/** Something in flight, and its key: a fingerprint of its content (equal content, one choice). */
export type InFlight = Carried & { key: string };

export interface Colony {
  bees: Bee[];
  inFlight: InFlight[];
  /** Open links as `a b`, the smaller id first. */
  links: Set<string>;
  crashes: number;
  reloads: number;
  /** Every reign crowned on this path, `hive reign` → its queen, and every vote, `bee term` → candidate. */
  crowned: Map<string, string>;
  votes: Map<string, string>;
  /** The first invariant this path broke. */
  violation: string | null;
}

/**
 * What may happen next: anything in flight arrives (in any order: the simulator's latencies
 * reorder frames too, and ordered data channels allow a subset of these paths), a bee's clock
 * moves on, a bee crashes, a bee reloads. Dropping a frame is no choice of its own: a frame left
 * in flight to the end of a path is a lost frame, and a path that drops one reaches no bee state
 * the same path without the drop does not. Nor is duplicating one: below the protocol, links are
 * reliable and the replay window drops a repeated envelope (docs/security.md).
 */
export type Choice =
  | { kind: 'deliver'; item: InFlight }
  | { kind: 'tick' | 'crash' | 'reload'; bee: string };

/** These bees, each introduced to the others by the signaling server, nothing else in flight. */
export function newColony(bees: Bee[]): Colony {
  const colony: Colony = { bees, inFlight: [], links: new Set(), crashes: 0, reloads: 0, crowned: new Map(), votes: new Map(), violation: null };
  for (const bee of bees) notify(colony, bee.id, { type: 'welcome', peers: bees.map((b) => b.id).filter((id) => id !== bee.id) });
  return colony;
}

/** Everything that may happen next, each once (identical frames in flight lead to one state). */
export function choices(colony: Colony, setting: Setting): Choice[] {
  if (colony.violation !== null) return [];
  const byKey = new Map(colony.inFlight.map((i) => [i.key, i]));
  const next: Choice[] = [...byKey.values()].map((i) => ({ kind: 'deliver', item: i }));
  for (const bee of colony.bees) {
    if (bee.alive) next.push({ kind: 'tick', bee: bee.id });
    if (bee.alive && colony.crashes < setting.maxCrashes) next.push({ kind: 'crash', bee: bee.id });
    if (colony.reloads < setting.maxReloads) next.push({ kind: 'reload', bee: bee.id });
  }
  return next;
}

/** The state after `choice`; `colony` is left as it was, sharing every bee the choice does not step. */
export function apply(colony: Colony, choice: Choice, setting: Setting): Colony {
  const next: Colony = { ...colony, bees: [...colony.bees], inFlight: [...colony.inFlight], links: new Set(colony.links), crowned: new Map(colony.crowned), votes: new Map(colony.votes) };
  if (choice.kind === 'deliver') deliver(next, choice.item, setting);
  else if (choice.kind === 'tick') step(next, choice.bee, { type: 'tick' }, beeOf(next, choice.bee).nowMs + setting.tickMs, setting);
  else if (choice.kind === 'crash') crash(next, choice.bee);
  else reload(next, choice.bee);
  return next;
}

/**
 * What a state is, as a fingerprint: every bee's history, what is in flight, the open links and
 * the faults spent. Each bee's future depends only on its own history (the core is
 * deterministic), so two paths that reach one key reach one state, whatever their order.
 */
export function stateKey(colony: Colony): string {
  const bees = colony.bees.map((bee) => `${bee.history}${bee.alive ? '' : ' dead'}`).join(' ');
  const inFlight = colony.inFlight.map((i) => i.key).sort().join(' ');
  return fingerprint(`${bees}|${inFlight}|${[...colony.links].sort().join(',')}|${colony.crashes} ${colony.reloads}`);
}

/** A choice as a line of a path: what happens, to whom, and which frame (its key tells look-alikes apart). */
export function describe(choice: Choice): string {
  if (choice.kind !== 'deliver') return `${choice.kind} ${short(choice.bee)}`;
  const i = choice.item;
  if (i.kind === 'open') return `open link ${short(i.from)}→${short(i.to)}`;
  if (i.kind === 'notice') return `${i.event.type}${i.event.type === 'linkClosed' ? ` ${short(i.event.peer)}` : ''} at ${short(i.to)}`;
  return `deliver ${short(i.from)}→${short(i.to)} ${frameName(i.frame)} #${i.key.slice(0, 4)}`;
}

function frameName(frame: Frame): string {
  if (frame.t !== 'env') return frame.t;
  const p = frame.p;
  const pre = 'pre' in p && p.pre ? ' pre' : '';
  return `${p.k}${pre}${'term' in p ? ` term ${p.term}` : ''} from ${short(frame.from)}`;
}

// ---- bees ------------------------------------------------------------------------------------

const indexOf = (colony: Colony, id: string): number => colony.bees.findIndex((bee) => bee.id === id);
const beeOf = (colony: Colony, id: string): Bee => colony.bees[indexOf(colony, id)] as Bee;
const isAlive = (colony: Colony, id: string): boolean => colony.bees[indexOf(colony, id)]?.alive === true;
const liveIds = (colony: Colony): string[] => colony.bees.filter((bee) => bee.alive).map((bee) => bee.id);

function update(colony: Colony, id: string, change: (bee: Bee) => Bee): void {
  const index = indexOf(colony, id);
  colony.bees[index] = change(colony.bees[index] as Bee);
}

/** One step of one bee at its own clock, and whatever its effects do to the network, its disk and the checks. */
function step(colony: Colony, id: string, event: HiveEvent, nowMs: number, setting: Setting, name = JSON.stringify(event)): void {
  const { bee, outcome } = stepBee(beeOf(colony, id), event, nowMs, setting, name);
  update(colony, id, () => bee);
  for (const effect of outcome.effects) carryOut(colony, id, effect, outcome.claim, setting);
}

function carryOut(colony: Colony, id: string, effect: Effect, claim: Claim | null, setting: Setting): void {
  switch (effect.type) {
    case 'link': requestLink(colony, id, effect.peer); break;
    case 'unlink': cut(colony, id, effect.peer); break;
    case 'sample': notify(colony, id, { type: 'welcome', peers: liveIds(colony).filter((bee) => bee !== id) }); break;
    case 'send': transmit(colony, id, effect); break;
    case 'deliver': writeDisk(colony, id, (disk) => ({ ...disk, deliveredIds: [...disk.deliveredIds, effect.message.id] })); break;
    case 'persist': {
      const { type: _persist, ...standing } = effect;
      writeDisk(colony, id, (disk) => ({ ...disk, ...standing }));
      checkVote(colony, id, effect.term, effect.votedFor);
      break;
    }
    case 'roleChanged':
      if (effect.role === 'queen') checkCrowning(colony, id, effect, claim, setting);
      break;
  }
}

function writeDisk(colony: Colony, id: string, write: (disk: Restored) => Restored): void {
  update(colony, id, (bee) => ({ ...bee, disk: write(bee.disk) }));
}

function deliver(colony: Colony, delivered: InFlight, setting: Setting): void {
  colony.inFlight.splice(colony.inFlight.findIndex((i) => i.key === delivered.key), 1);
  if (delivered.kind === 'open') open(colony, delivered.from, delivered.to, setting);
  else {
    const event: HiveEvent = delivered.kind === 'frame' ? { type: 'frame', peer: delivered.from, frame: delivered.frame } : delivered.event;
    step(colony, delivered.to, event, beeOf(colony, delivered.to).nowMs, setting, delivered.key);
  }
}

/** A tab crashes: it hears nothing more and nobody is told; what it sent is still on its way. */
function crash(colony: Colony, id: string): void {
  colony.crashes++;
  update(colony, id, crashedBee);
  colony.inFlight = colony.inFlight.filter((i) => i.to !== id && !(i.kind === 'open' && i.from === id));
}

/** A tab reloads (or a crashed one opens again): its links close, and it starts afresh from its disk. */
function reload(colony: Colony, id: string): void {
  colony.reloads++;
  for (const link of [...colony.links]) {
    const [a, b] = link.split(' ') as [string, string];
    if (a === id || b === id) cut(colony, a, b);
  }
  colony.inFlight = colony.inFlight.filter((i) => i.to !== id && !(i.kind === 'open' && i.from === id));
  update(colony, id, reloadedBee);
  notify(colony, id, { type: 'welcome', peers: liveIds(colony).filter((other) => other !== id) });
}

// ---- invariants --------------------------------------------------------------------------------

function fail(colony: Colony, detail: string): void {
  colony.violation ??= detail;
}

/** One vote per bee and term, whichever page cast it: a reload restarts from the disk. */
function checkVote(colony: Colony, id: string, term: number, votedFor: string | null): void {
  if (votedFor === null) return;
  const key = `${id} ${term}`;
  const earlier = colony.votes.get(key);
  if (earlier === undefined) colony.votes.set(key, votedFor);
  else if (earlier !== votedFor) fail(colony, `${short(id)} voted for ${short(earlier)} and ${short(votedFor)} in term ${term}`);
}

/** One queen per hive and reign on a path, crowned with a certificate that verifies by the protocol's own rules. */
function checkCrowning(colony: Colony, id: string, effect: Extract<Effect, { type: 'roleChanged' }>, claim: Claim | null, setting: Setting): void {
  const reign = `${effect.hive} ${effect.reign}`;
  const certified = claim !== null && claim.membership.hive === effect.hive && claim.term === effect.reign && certifies(id, claim, simNotary('', setting.notaryKey));
  if (!certified) fail(colony, `${short(id)} was crowned queen of hive ${effect.hive} in term ${effect.reign} without a certificate that verifies`);
  const first = colony.crowned.get(reign);
  if (first === undefined) colony.crowned.set(reign, id);
  else if (first !== id) fail(colony, `${short(first)} and ${short(id)} are both queen of hive ${effect.hive} in term ${effect.reign}`);
}

// ---- the network -------------------------------------------------------------------------------

const linkOf = (a: string, b: string): string => (a < b ? `${a} ${b}` : `${b} ${a}`);

/**
 * Something in flight, named by its content. Frozen: the same frame object reaches its bee again
 * whenever the bee is rebuilt, so a core that changed a frame it was given would replay
 * differently; frozen, it throws instead.
 */
const inFlight = (carried: Carried): InFlight => deepFreeze({ ...carried, key: fingerprint(JSON.stringify(carried)) });

/** Frames as they travel, by the effect that sent them: a remembered step sends the same effect again. */
const frames = new WeakMap<Effect, InFlight>();

function send(colony: Colony, carried: Carried): void {
  colony.inFlight.push(inFlight(carried));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function notify(colony: Colony, to: string, event: Extract<Carried, { kind: 'notice' }>['event']): void {
  send(colony, { kind: 'notice', to, event });
}

/** A link is asked for: the answer is in flight (it opens, or fails when the far end is gone). */
function requestLink(colony: Colony, from: string, to: string): void {
  if (colony.links.has(linkOf(from, to))) return;
  if (isAlive(colony, to)) send(colony, { kind: 'open', from, to });
  else notify(colony, from, { type: 'linkClosed', peer: to });
}

/** A frame leaves on an open link to a live bee, or is lost, as a data channel loses it. */
function transmit(colony: Colony, from: string, effect: Extract<Effect, { type: 'send' }>): void {
  if (!colony.links.has(linkOf(from, effect.peer)) || !isAlive(colony, effect.peer)) return;
  let frame = frames.get(effect);
  if (frame === undefined) frames.set(effect, (frame = inFlight({ kind: 'frame', from, to: effect.peer, frame: effect.frame })));
  colony.inFlight.push(frame);
}

/** A link closes: what was on it is lost, and both ends hear of it. */
function cut(colony: Colony, a: string, b: string): void {
  if (!colony.links.delete(linkOf(a, b))) return;
  colony.inFlight = colony.inFlight.filter((i) => i.kind !== 'frame' || linkOf(i.from, i.to) !== linkOf(a, b));
  for (const [end, peer] of [[a, b], [b, a]] as const) if (isAlive(colony, end)) notify(colony, end, { type: 'linkClosed', peer });
}

/**
 * A link opens at both ends. The other attempt between the two, if any, is answered by it (both
 * ends stop asking once a link opens): it is dropped, so it cannot reopen a link nobody asks for.
 */
function open(colony: Colony, from: string, to: string, setting: Setting): void {
  if (!isAlive(colony, to)) {
    step(colony, from, { type: 'linkClosed', peer: to }, beeOf(colony, from).nowMs, setting);
    return;
  }
  colony.links.add(linkOf(from, to));
  colony.inFlight = colony.inFlight.filter((i) => i.kind !== 'open' || linkOf(i.from, i.to) !== linkOf(from, to));
  step(colony, from, { type: 'linkOpen', peer: to }, beeOf(colony, from).nowMs, setting);
  step(colony, to, { type: 'linkOpen', peer: from }, beeOf(colony, to).nowMs, setting);
}
