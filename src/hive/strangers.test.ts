// A queenless bee (or a queen) links a stranger the signaling server introduces: in a colony it
// can know whole, a bee it never heard of is in a part of the colony it does not know. Not in a
// colony too big for its roster, where strangers are everywhere and each link was shed at once.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Protocol } from './protocol';
import type { Heartbeat } from './frames';
import { ROSTER_LIMIT } from './roster';
import { simNotary } from '../sim/notary';
import { seededRng } from './rng';

const SELF = 'a'.repeat(16);
const NOW = 1_000_000;
const bee = (n: number) => n.toString(16).padStart(16, '0');
const NEIGHBOUR = bee(1);
const STRANGER = bee(99_999);

/** A queenless bee linked to one neighbour whose heartbeat names `known` bees. */
function knowing(known: number): Protocol {
  const protocol = new Protocol(SELF, seededRng(1), simNotary(SELF, 7), { config: DEFAULT_CONFIG });
  protocol.step({ type: 'linkOpen', peer: NEIGHBOUR }, NOW);
  const beat: Heartbeat = {
    t: 'hb', digest: Array.from({ length: known }, (_, i): [string, number] => [bee(i + 1), 1]), hives: [], term: 0,
    queen: null, hive: null, hiveVersion: null, uptimeMs: 1000, visible: true, version: 0,
  };
  protocol.step({ type: 'frame', peer: NEIGHBOUR, frame: beat }, NOW);
  return protocol;
}

describe('a stranger the server introduces', () => {
  it('is linked while the roster can hold the colony', () => {
    const protocol = knowing(10);
    expect(protocol.snapshot().roster.length).toBeGreaterThanOrEqual(10);
    expect(protocol.step({ type: 'welcome', peers: [STRANGER] }, NOW)).toContainEqual({ type: 'link', peer: STRANGER });
  });

  it('is not linked once the roster is full', () => {
    const protocol = knowing(ROSTER_LIMIT + 10);
    expect(protocol.snapshot().roster.length).toBeGreaterThanOrEqual(ROSTER_LIMIT);
    expect(protocol.step({ type: 'welcome', peers: [STRANGER] }, NOW)).not.toContainEqual({ type: 'link', peer: STRANGER });
  });
});
