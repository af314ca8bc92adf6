// A bee restored from storage after a reload keeps the promises of its earlier life: no second
// vote in a term it voted in, the membership of its hive (it votes under nothing older), no second
// delivery of a message it delivered, and a message handed over again under its old id keeps that
// id on the wire.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Protocol, type Effect, type Restored } from './protocol';
import type { Envelope, Payload } from './frames';
import { simNotary } from '../sim/notary';
import type { Membership } from './membership';
import { seededRng } from './rng';

const SELF = 'a'.repeat(16);
const PEER = 'b'.repeat(16);
const CANDIDATE = 'c'.repeat(16);
const DELIVERED = '1'.repeat(16);
const NOW = 1_000_000;
const KEY = 7;
/** The hive all three belong to, as its queen last changed it in term 2. */
const HIVE: Membership = { hive: 'f'.repeat(16), term: 2, epoch: 3, members: [SELF, PEER, CANDIDATE] };
const OLDER: Membership = { ...HIVE, epoch: 2 };

let envelopes = 0;
const envelope = (from: string, to: string | null, p: Payload): Envelope => ({
  t: 'env',
  id: (++envelopes).toString(16).padStart(16, '0'),
  from,
  to,
  ttl: 8,
  route: [from],
  p,
});

/** A bee with one open link to PEER, started with `restored`. */
function bee(restored?: Restored): Protocol {
  const protocol = new Protocol(SELF, seededRng(1), simNotary(SELF, KEY), { config: DEFAULT_CONFIG, ...(restored ? { restored } : {}) });
  protocol.step({ type: 'linkOpen', peer: PEER }, NOW);
  return protocol;
}

const payloads = (effects: Effect[]): Payload[] =>
  effects.flatMap((e) => (e.type === 'send' && e.frame.t === 'env' ? [e.frame.p] : []));

describe('a bee restored after a reload', () => {
  const elect = (term: number, membership = HIVE) => envelope(CANDIDATE, null, { k: 'elect', term, pre: false, membership, seal: null });
  const ballot = (term: number) => simNotary(SELF, KEY).seal({ k: 'ballot', term, candidate: CANDIDATE, membership: HIVE });
  const votes = (effects: Effect[]) => payloads(effects).filter((p) => p.k === 'vote');

  it('does not vote again in the term it already voted in', () => {
    const restored = bee({ term: 5, votedFor: PEER, membership: HIVE, deliveredIds: [] });
    expect(restored.snapshot().term).toBe(5);
    expect(restored.snapshot().membership).toEqual(HIVE);
    const effects = restored.step({ type: 'frame', peer: PEER, frame: elect(5) }, NOW + 10);
    expect(votes(effects)).toEqual([]);
    expect(effects.filter((e) => e.type === 'persist')).toEqual([]);
  });

  it('would have voted had it forgotten (the check above is not vacuous)', () => {
    const forgetful = bee({ term: 0, votedFor: null, membership: HIVE, deliveredIds: [] });
    const effects = forgetful.step({ type: 'frame', peer: PEER, frame: elect(5) }, NOW + 10);
    expect(votes(effects)).toEqual([{ k: 'vote', term: 5, pre: false, ballot: ballot(5) }]);
    expect(effects).toContainEqual({ type: 'persist', term: 5, votedFor: CANDIDATE, membership: HIVE, seal: null });
  });

  it('still votes in a later term, with a ballot only its own key could sign', () => {
    const restored = bee({ term: 5, votedFor: PEER, membership: HIVE, deliveredIds: [] });
    const effects = restored.step({ type: 'frame', peer: PEER, frame: elect(6) }, NOW + 10);
    expect(votes(effects)).toEqual([{ k: 'vote', term: 6, pre: false, ballot: ballot(6) }]);
    expect(simNotary(PEER, KEY + 1).verify({ k: 'ballot', term: 6, candidate: CANDIDATE, membership: HIVE }, ballot(6))).toBe(false);
  });

  it('refuses a candidate campaigning under an older membership than the one it stored', () => {
    const restored = bee({ term: 5, votedFor: null, membership: HIVE, deliveredIds: [] });
    expect(votes(restored.step({ type: 'frame', peer: PEER, frame: elect(6, OLDER) }, NOW + 10))).toEqual([]);
  });

  it('forgets its hive if it forgot its membership: it does not vote in the hive election at all', () => {
    const egg = bee({ term: 0, votedFor: null, deliveredIds: [] });
    expect(votes(egg.step({ type: 'frame', peer: PEER, frame: elect(6) }, NOW + 10))).toEqual([]);
  });

  it('acknowledges but does not deliver again a message it delivered before, however late', () => {
    const restored = bee({ term: 0, votedFor: null, deliveredIds: [DELIVERED] });
    const late = NOW + 60 * 60_000; // long after the in-memory de-duplication forgot it
    const effects = restored.step({ type: 'frame', peer: PEER, frame: envelope(PEER, SELF, { k: 'data', msg: DELIVERED, body: 'again' }) }, late);
    expect(effects.filter((e) => e.type === 'deliver')).toEqual([]);
    expect(payloads(effects)).toContainEqual({ k: 'ack', msg: DELIVERED });
  });

  it('sends a message under the id the driver gives it', () => {
    const effects = bee().step({ type: 'send', ref: 1, to: PEER, body: 'stored first', msg: DELIVERED }, NOW + 10);
    expect(payloads(effects)).toEqual([{ k: 'data', msg: DELIVERED, body: 'stored first' }]);
  });
});
