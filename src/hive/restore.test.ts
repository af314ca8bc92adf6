// A bee restored from storage after a reload keeps the promises of its earlier life: no second
// vote in a term it voted in, no second delivery of a message it delivered, and a message handed
// over again under its old id keeps that id on the wire.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Protocol, type Effect, type Restored } from './protocol';
import type { Envelope, Payload } from './frames';
import { ELECTION_RULES } from './election';
import { seededRng } from './rng';

const SELF = 'a'.repeat(16);
const PEER = 'b'.repeat(16);
const CANDIDATE = 'c'.repeat(16);
const DELIVERED = '1'.repeat(16);
const NOW = 1_000_000;

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
  const protocol = new Protocol(SELF, seededRng(1), DEFAULT_CONFIG, ELECTION_RULES, restored);
  protocol.step({ type: 'linkOpen', peer: PEER }, NOW);
  return protocol;
}

const payloads = (effects: Effect[]): Payload[] =>
  effects.flatMap((e) => (e.type === 'send' && e.frame.t === 'env' ? [e.frame.p] : []));

describe('a bee restored after a reload', () => {
  const elect = (term: number) => envelope(CANDIDATE, null, { k: 'elect', term, electorate: 3, handover: false, pre: false, hive: null, local: false });

  it('does not vote again in the term it already voted in', () => {
    const restored = bee({ term: 5, votedFor: PEER, deliveredIds: [] });
    expect(restored.snapshot().term).toBe(5);
    const effects = restored.step({ type: 'frame', peer: PEER, frame: elect(5) }, NOW + 10);
    expect(payloads(effects).filter((p) => p.k === 'vote')).toEqual([]);
    expect(effects.filter((e) => e.type === 'persist')).toEqual([]);
  });

  it('would have voted had it forgotten (the check above is not vacuous)', () => {
    const forgetful = bee();
    const effects = forgetful.step({ type: 'frame', peer: PEER, frame: elect(5) }, NOW + 10);
    expect(payloads(effects)).toContainEqual({ k: 'vote', term: 5, pre: false });
    expect(effects).toContainEqual({ type: 'persist', term: 5, votedFor: CANDIDATE });
  });

  it('still votes in a later term', () => {
    const restored = bee({ term: 5, votedFor: PEER, deliveredIds: [] });
    const effects = restored.step({ type: 'frame', peer: PEER, frame: elect(6) }, NOW + 10);
    expect(payloads(effects)).toContainEqual({ k: 'vote', term: 6, pre: false });
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
