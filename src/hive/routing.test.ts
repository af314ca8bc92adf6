// Whom a bee passes an envelope on to is its own decision: the route a relay wrote (unsigned) never
// makes it skip a neighbour, or a relay that lists bees it never met would steer the hops after it.
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../crypto/identity';
import { identityNotary } from '../link/notary';
import { nextHop } from './court-table';
import { DEFAULT_CONFIG, Effects, noCounters } from './events';
import type { Envelope } from './frames';
import { Links } from './links';
import { Protocol } from './protocol';
import { seededRng } from './rng';
import { Router, type Whereabouts } from './routing';

const [origin, relay, named, other] = ['0a', '1b', '2c', '3d'].map((c) => c.repeat(8)) as [string, string, string, string];

/** A bee in discovery mode (no elections) linked to `peers`. */
function beeLinkedTo(peers: readonly string[]): Protocol {
  const identity = createIdentity();
  const bee = new Protocol(identity.id, seededRng(1), identityNotary(identity), { config: { ...DEFAULT_CONFIG, electionMinMs: 1e12 } });
  for (const peer of peers) bee.step({ type: 'linkOpen', peer }, 0);
  return bee;
}

const flood = (route: string[]): Envelope => ({ t: 'env', id: '5'.repeat(16), from: origin, to: null, ttl: 8 - (route.length - 1), route, p: { k: 'data', msg: '6'.repeat(16), body: 'hi' } });

describe('routing', () => {
  it('passes a flood on to every neighbour but the one it came from, whoever the route names', () => {
    const bee = beeLinkedTo([relay, named, other]);
    // The relay wrote `named` into the route as if the flood had passed it.
    const effects = bee.step({ type: 'frame', peer: relay, frame: flood([origin, named, relay]) }, 10);
    const to = effects.flatMap((e) => (e.type === 'send' && e.frame.t === 'env' ? [e.peer] : []));
    expect(to.sort()).toEqual([named, other].sort());
  });

  it('sends a message on towards its receiver even when the route says the receiver was passed', () => {
    const bee = beeLinkedTo([relay, named]);
    const env: Envelope = { ...flood([origin, named, relay]), to: named };
    const effects = bee.step({ type: 'frame', peer: relay, frame: env }, 10);
    expect(effects.filter((e) => e.type === 'send' && e.frame.t === 'env').map((e) => (e as { peer: string }).peer)).toEqual([named]);
  });
});

const [queen, hiveQueen, aimedAt, home, worker, stranger] = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'].map((c) => c.repeat(8)) as [string, string, string, string, string, string];

/** A queen's router, linked to bees that each say whom they follow, knowing what `where` says of `worker`. */
function queenRouter(follows: ReadonlyArray<[string, string]>, where: Partial<Whereabouts>): { router: Router; fx: Effects } {
  const fx = new Effects();
  const links = new Links(queen, DEFAULT_CONFIG, seededRng(1), fx, () => false);
  for (const [peer, queenOfPeer] of follows) {
    links.opened(peer, 0, () => true);
    links.get(peer)!.follows = queenOfPeer;
  }
  fx.take();
  const knowsNothing: Whereabouts = { isQueen: () => true, queen: () => null, reigns: () => false, addressOf: () => undefined, listedQueenOf: () => undefined, homeOf: () => home };
  return { router: new Router(queen, DEFAULT_CONFIG, seededRng(1), links, { ...knowsNothing, ...where }, fx, noCounters()), fx };
}

/** A message for `worker` that came to the queen from `from`, the queen before aiming it at `via`. */
const messageFor = (from: string, via?: string, k: 'data' | 'ack' = 'data'): Envelope => ({
  t: 'env', id: '7'.repeat(16), from: origin, to: worker, ttl: 8, route: [origin, from], ...(via === undefined ? {} : { via }), p: { k, msg: '8'.repeat(16), ...(k === 'data' ? { body: 'hi' } : {}) } as Envelope['p'],
});

const sent = (fx: Effects): Array<[string, string | undefined]> => fx.list.flatMap((e) => (e.type === 'send' && e.frame.t === 'env' ? [[e.peer, e.frame.via] as [string, string | undefined]] : []));

describe('a queen aims a message for a worker of another hive', () => {
  const court: Array<[string, string]> = [[hiveQueen, hiveQueen], [aimedAt, aimedAt], [home, home], [stranger, stranger]];

  it("at the queen the worker's address names, not where the queen before her aimed, and says so", () => {
    const { router, fx } = queenRouter(court, { addressOf: () => hiveQueen });
    router.passOn(messageFor(stranger, aimedAt), [origin, stranger, queen], stranger, 10);
    expect(sent(fx)).toEqual([[hiveQueen, hiveQueen]]);
  });

  it('where the queen before her aimed, over the hive lists gossip carried', () => {
    const { router, fx } = queenRouter(court, { listedQueenOf: () => hiveQueen });
    router.passOn(messageFor(stranger, aimedAt), [origin, stranger, queen], stranger, 10);
    expect(sent(fx)).toEqual([[aimedAt, aimedAt]]);
  });

  it('not at a queen who follows another now, whatever was aimed or listed', () => {
    const { router, fx } = queenRouter([...court.filter(([bee]) => bee !== aimedAt), [aimedAt, hiveQueen]], { listedQueenOf: () => aimedAt });
    router.passOn(messageFor(stranger, aimedAt), [origin, stranger, queen], stranger, 10);
    expect(sent(fx)).toEqual([[home, home]]);
  });

  it('at a queen herself when the receiver reigns, whatever an address from before her crowning says', () => {
    const { router, fx } = queenRouter(court, { reigns: (bee) => bee === worker, addressOf: () => hiveQueen });
    router.passOn(messageFor(stranger, aimedAt), [origin, stranger, queen], stranger, 10);
    expect(sent(fx)).toEqual([[nextHop(queen, worker, court.map(([bee]) => bee).filter((bee) => bee !== stranger)), worker]]);
  });

  it('a reply with nothing but a guess at its home goes back the way its message came', () => {
    const { router, fx } = queenRouter(court, {});
    router.cameFrom(worker, stranger);
    router.passOn(messageFor(hiveQueen, undefined, 'ack'), [origin, hiveQueen, queen], hiveQueen, 10);
    expect(sent(fx)).toEqual([[stranger, undefined]]);
  });
});
