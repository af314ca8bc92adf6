// Whom a bee passes an envelope on to is its own decision: the route a relay wrote (unsigned) never
// makes it skip a neighbour, or a relay that lists bees it never met would steer the hops after it.
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../crypto/identity';
import { identityNotary } from '../link/notary';
import type { Envelope } from './frames';
import { DEFAULT_CONFIG, Protocol } from './protocol';
import { seededRng } from './rng';

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
