// A bee says whether it would keep a link before the link exists: the transport asks it of an
// offer, so a bee with all the links it takes declines before a peer connection is built (Chrome
// allows ~500 per page lifetime) instead of opening one only to close it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Protocol } from './protocol';
import { simNotary } from '../sim/notary';
import { seededRng } from './rng';

const SELF = 'a'.repeat(16);
const NOW = 1_000_000;
const bee = (n: number) => n.toString(16).padStart(16, '0');

/** A bee holding `links` links that others opened to it. */
function linked(links: number): Protocol {
  const protocol = new Protocol(SELF, seededRng(1), simNotary(SELF, 7), { config: DEFAULT_CONFIG });
  for (let i = 1; i <= links; i++) protocol.step({ type: 'linkOpen', peer: bee(i) }, NOW);
  return protocol;
}

describe('answering an offer', () => {
  it('accepts a stranger’s offer while it has room, and declines it once it holds all the links it takes', () => {
    const roomy = linked(DEFAULT_CONFIG.maxNeighbours - 1);
    expect(roomy.accepts(bee(100), NOW)).toBe(true);
    const full = linked(DEFAULT_CONFIG.maxNeighbours);
    expect(full.accepts(bee(100), NOW)).toBe(false);
    // What it declines as an offer it would have closed as a link: the two answers agree.
    expect(full.step({ type: 'linkOpen', peer: bee(100) }, NOW)).toContainEqual({ type: 'unlink', peer: bee(100) });
  });

  it('accepts, however full, an offer from a bee it is dialling itself', () => {
    const protocol = linked(DEFAULT_CONFIG.maxNeighbours - 1);
    // The server introduces a stranger: a queenless bee with room dials it.
    const effects = protocol.step({ type: 'welcome', peers: [bee(200)] }, NOW);
    expect(effects).toContainEqual({ type: 'link', peer: bee(200) });
    protocol.step({ type: 'linkOpen', peer: bee(300) }, NOW);
    expect(protocol.accepts(bee(400), NOW)).toBe(false);
    expect(protocol.accepts(bee(200), NOW)).toBe(true);
  });

  it('a projector that founded the colony accepts every offer however full; a worker that founded it declines once full', () => {
    const founding = (observer: boolean) => {
      const protocol = new Protocol(SELF, seededRng(1), simNotary(SELF, 7), { config: { ...DEFAULT_CONFIG, founder: SELF, observer } });
      for (let i = 1; i <= DEFAULT_CONFIG.maxNeighbours; i++) protocol.step({ type: 'linkOpen', peer: bee(i) }, NOW);
      return protocol;
    };
    expect(founding(true).accepts(bee(100), NOW)).toBe(true);
    expect(founding(true).step({ type: 'linkOpen', peer: bee(100) }, NOW)).not.toContainEqual({ type: 'unlink', peer: bee(100) });
    expect(founding(false).accepts(bee(100), NOW)).toBe(false);
  });

  it('asks for a link it is told to reach however full, and keeps it once open', () => {
    const protocol = linked(DEFAULT_CONFIG.maxNeighbours);
    expect(protocol.step({ type: 'reach', peer: bee(100) }, NOW)).toContainEqual({ type: 'link', peer: bee(100) });
    expect(protocol.step({ type: 'linkOpen', peer: bee(100) }, NOW)).not.toContainEqual({ type: 'unlink', peer: bee(100) });
    expect(protocol.snapshot().neighbours).toContain(bee(100));
  });

  it('declines every offer once it has left', () => {
    const protocol = linked(1);
    protocol.step({ type: 'leave' }, NOW);
    expect(protocol.accepts(bee(100), NOW)).toBe(false);
  });
});
