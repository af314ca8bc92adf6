// Ranked candidacy: a queenless bee takes its turn by how many rivals in sight would make better
// queens (visible first, then up longest), in steps of candidacyRankMs, instead of waiting seconds
// of penalties; and an egg links at once to the queen its neighbour follows.
import { describe, expect, it } from 'vitest';
import { simNotary } from '../sim/notary';
import { candidacyDelayMs, candidacyRank, HIDDEN_RANKS, type Rival } from './election';
import { DEFAULT_CONFIG, Protocol, type Effect, type Restored } from './protocol';
import type { Envelope, Heartbeat, HiveEntry, Payload } from './frames';
import type { Membership } from './membership';
import { seededRng } from './rng';

const [SELF, OLDER, OTHER, QUEEN] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(16)) as [string, string, string, string];
const NOW = 1_000_000;
const TICK_MS = 50;
/** No spread: the rank alone decides when a bee campaigns. */
const CONFIG = { ...DEFAULT_CONFIG, electionSpreadMs: 0 };
const NOBODY: Restored = { term: 0, votedFor: null, deliveredIds: [] };
const HIVE: Membership = { hive: 'f'.repeat(16), term: 2, epoch: 1, members: [SELF, OLDER, OTHER] };
const HIVE_WITHOUT_SELF: Membership = { ...HIVE, epoch: 0, members: [OLDER, OTHER] };

const heartbeat = (overrides: Partial<Heartbeat>): Heartbeat => ({
  t: 'hb', digest: [], hives: [], term: 2, queen: null, hive: HIVE.hive, hiveVersion: [2, 1], uptimeMs: 0, visible: true, version: 0, ...overrides,
});

/** A bee started at NOW with links to `peers`, each of which says `said` of itself at once. */
function bee(said: Array<[string, Partial<Heartbeat>]>, restored: Restored = { term: 2, votedFor: null, membership: HIVE, deliveredIds: [] }, self = SELF): Protocol {
  const protocol = new Protocol(self, seededRng(1), simNotary(self, 1), { config: CONFIG, restored });
  for (const [peer, hb] of said) {
    protocol.step({ type: 'linkOpen', peer }, NOW);
    protocol.step({ type: 'frame', peer, frame: heartbeat(hb) }, NOW);
  }
  return protocol;
}

const campaigns = (effects: Effect[]) => effects.some((e) => e.type === 'send' && e.frame.t === 'env' && e.frame.p.k === 'elect');

/** Ticks from `from` until the bee asks for votes; returns how long after `from` it did. */
function campaignsAfter(protocol: Protocol, from = NOW): number {
  for (let now = from; now < from + 10_000; now += TICK_MS) if (campaigns(protocol.step({ type: 'tick' }, now))) return now - from;
  throw new Error('never campaigned');
}

describe('ranked candidacy', () => {
  const rival = (id: string, visible: boolean, startedAt: number): Rival => ({ id, visible, startedAt });

  it('ranks by fitness: visible before hidden, then up longest, then the lower id', () => {
    const self = rival(OTHER, true, 100);
    expect(candidacyRank(self, [rival(OLDER, true, 50), rival(QUEEN, true, 200)])).toBe(1);
    expect(candidacyRank(self, [rival(OLDER, false, 0)])).toBe(0);
    expect(candidacyRank(self, [rival(SELF, true, 100), rival(QUEEN, true, 100)])).toBe(1);
  });

  it('puts a hidden bee behind visible bees it does not even see', () => {
    expect(candidacyRank(rival(SELF, false, 0), [])).toBe(HIDDEN_RANKS);
  });

  it('campaigns a rank step later for each fitter rival, within the spread', () => {
    const timing = { electionMinMs: 150, electionSpreadMs: 150, candidacyRankMs: 200 };
    const low = { ...seededRng(1), next: () => 0 };
    const high = { ...seededRng(1), next: () => 0.999 };
    expect(candidacyDelayMs(0, timing, low)).toBe(150);
    expect(candidacyDelayMs(0, timing, high)).toBeLessThan(candidacyDelayMs(1, timing, low));
    expect(candidacyDelayMs(2, timing, low)).toBe(550);
  });

  it('lets an orphan with a fitter member in sight campaign one rank after the fittest would', () => {
    const fittest = campaignsAfter(bee([[OTHER, { uptimeMs: 0 }]]));
    const second = campaignsAfter(bee([[OLDER, { uptimeMs: 60_000 }]]));
    expect(fittest).toBe(CONFIG.electionMinMs);
    expect(second).toBe(CONFIG.electionMinMs + CONFIG.candidacyRankMs);
  });

  it('counts no rival it has not heard from for two beats: a frozen bee does not hold up the election', () => {
    const orphan = bee([[OLDER, { uptimeMs: 60_000 }]]);
    const later = NOW + 3 * CONFIG.heartbeatIntervalMs;
    expect(campaignsAfter(orphan, later)).toBe(CONFIG.electionMinMs);
  });

  it('counts no rival of another hive', () => {
    expect(campaignsAfter(bee([[OLDER, { uptimeMs: 60_000, hive: 'e'.repeat(16) }]]))).toBe(CONFIG.electionMinMs);
  });

  it('lets an egg found a hive once its roster settled, counting no observer as a rival', () => {
    const egg = { hive: null, hiveVersion: null, queen: null };
    const younger: [string, Partial<Heartbeat>] = [OTHER, { ...egg, uptimeMs: 0, digest: [[OTHER, 1]] }];
    const observer: [string, Partial<Heartbeat>] = [OLDER, { ...egg, uptimeMs: 60_000, observer: true }];
    const alone = campaignsAfter(bee([younger], NOBODY));
    expect(alone).toBeGreaterThanOrEqual(CONFIG.rosterSettleMs);
    expect(campaignsAfter(bee([younger, observer], NOBODY))).toBe(alone);
  });
});

describe('a candidate whose campaign crowned nobody', () => {
  /** OTHER, an orphan of HIVE, in its straw poll for term 3. */
  function polling(): { protocol: Protocol; at: number } {
    const protocol = bee([[SELF, { uptimeMs: 0 }]], undefined, OTHER);
    const at = NOW + campaignsAfter(protocol);
    expect(protocol.snapshot().role).toBe('candidate');
    return { protocol, at };
  }

  it('a straw poll that found no majority is asked again at the next turn, not after an election\'s wait', () => {
    const { protocol, at } = polling();
    // OTHER ranks behind SELF (same age, lower id): one rank step.
    expect(campaignsAfter(protocol, at + TICK_MS)).toBe(CONFIG.electionMinMs + CONFIG.candidacyRankMs - TICK_MS);
  });
});

describe('campaigns that crown nobody', () => {
  it('each one doubles the wait before the next: where round trips outlast the timers, campaigns do not supersede each other forever', () => {
    const protocol = bee([[SELF, { uptimeMs: 0 }]], undefined, OTHER);
    const step = CONFIG.electionMinMs + CONFIG.candidacyRankMs;
    let at = NOW + campaignsAfter(protocol);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const wait = campaignsAfter(protocol, at + TICK_MS) + TICK_MS;
      waits.push(wait);
      at += wait;
    }
    expect(waits).toEqual([step, 2 * step, 4 * step]);
  });

  it('a bee that follows a queen again has its short timers back when she falls silent', () => {
    const protocol = bee([[SELF, { uptimeMs: 0 }]], undefined, OTHER);
    let at = NOW + campaignsAfter(protocol);
    at += campaignsAfter(protocol, at + TICK_MS) + TICK_MS;
    const ballots = [SELF, OLDER].map((voter) => simNotary(voter, 1).seal({ k: 'ballot', term: 4, candidate: SELF, membership: HIVE }));
    const claim: Envelope = { t: 'env', id: '9'.repeat(16), from: SELF, to: null, ttl: 8, route: [SELF], p: { k: 'queen', term: 4, membership: HIVE, authority: { by: 'votes', ballots } } };
    protocol.step({ type: 'frame', peer: SELF, frame: claim }, at + 10);
    expect(protocol.snapshot().queen).toBe(SELF);
    // Silent from now: presumed dead after the full queen timeout (no beats timed), then one rank step.
    const lostAt = at + 10 + CONFIG.queenTimeoutMs;
    expect(campaignsAfter(protocol, at + 20) - (lostAt - at - 20)).toBeLessThanOrEqual(CONFIG.electionMinMs + CONFIG.candidacyRankMs + TICK_MS);
  });
});

describe('an egg joining a colony that has a queen', () => {
  const follower = (workers: number): Partial<Heartbeat> => {
    const listed = Array.from({ length: workers }, (_, i) => String(i).repeat(16));
    const entry: HiveEntry = { queen: QUEEN, hive: HIVE.hive, beat: NOW, term: 2, size: listed.length, workers: listed };
    return { queen: QUEEN, hive: HIVE.hive, hives: [entry] };
  };
  const links = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'link' ? [e.peer] : []));
  const hears = (protocol: Protocol, hb: Partial<Heartbeat>) => links(protocol.step({ type: 'frame', peer: OTHER, frame: heartbeat(hb) }, NOW + 10));

  it('links at once to the queen its neighbour follows', () => {
    expect(hears(bee([[OTHER, {}]], NOBODY), follower(3))).toEqual([QUEEN]);
  });

  it('does not when hive gossip says her hive is full', () => {
    expect(hears(bee([[OTHER, {}]], NOBODY), follower(CONFIG.capacity))).toEqual([]);
  });

  it('leaves a bee of another hive to wait for its own (an orphan does not run to the first queen it hears of)', () => {
    expect(hears(bee([[OTHER, {}]]), { ...follower(3), hive: 'e'.repeat(16), hives: [{ ...follower(3).hives![0]!, hive: 'e'.repeat(16) }] })).toEqual([]);
  });
});

describe("a worker and its queen's heir", () => {
  const KEY = 1;
  const seal = (bee: string, statement: Parameters<ReturnType<typeof simNotary>['seal']>[0]) => simNotary(bee, KEY).seal(statement);
  let envelopes = 0;
  const envelope = (from: string, p: Payload): Envelope => ({ t: 'env', id: (++envelopes).toString(16).padStart(16, '0'), from, to: null, ttl: 8, route: [from], p });
  const queenSays = (overrides: Partial<Heartbeat>) => heartbeat({ queen: OLDER, term: 3, hiveVersion: [2, 1], ...overrides });

  /** SELF follows OLDER, crowned in term 3 by OLDER's and OTHER's ballots; OTHER is not linked. */
  function worker(): Protocol {
    const protocol = bee([[OLDER, { queen: OLDER, term: 3 }]]);
    const ballots = [OLDER, OTHER].map((voter) => seal(voter, { k: 'ballot', term: 3, candidate: OLDER, membership: HIVE }));
    protocol.step({ type: 'frame', peer: OLDER, frame: envelope(OLDER, { k: 'queen', term: 3, membership: HIVE, authority: { by: 'votes', ballots } }) }, NOW + 10);
    expect(protocol.snapshot().queen).toBe(OLDER);
    return protocol;
  }
  const linksTo = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'link' ? [e.peer] : []));

  it('sides with a member that campaigns once its queen was silent three fifths of its timeout, not before', () => {
    const votes = (effects: Effect[]) => effects.some((e) => e.type === 'send' && e.frame.t === 'env' && e.frame.p.k === 'vote');
    // Beats 500, 1,200 and 500 ms apart: she is given up after 3,000 ms, doubted after 1,800.
    const timed = () => {
      const protocol = worker();
      for (const at of [500, 1000, 2200, 2700]) protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({}) }, NOW + at);
      protocol.step({ type: 'linkOpen', peer: OTHER }, NOW + 2700);
      return protocol;
    };
    const poll = envelope(OTHER, { k: 'elect', term: 4, pre: true, membership: HIVE, seal: null });
    expect(votes(timed().step({ type: 'frame', peer: OTHER, frame: poll }, NOW + 2700 + 1700))).toBe(false);
    expect(votes(timed().step({ type: 'frame', peer: OTHER, frame: { ...poll, id: 'f'.repeat(16) } }, NOW + 2700 + 1850))).toBe(true);
  });

  it("campaigns at once as its queen's heir, once in doubt of her, before her timeout ran out", () => {
    const protocol = worker();
    for (const at of [500, 1000, 2200, 2700]) protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: SELF }) }, NOW + at);
    expect(campaigns(protocol.step({ type: 'tick' }, NOW + 2700 + 1700))).toBe(false);
    expect(campaigns(protocol.step({ type: 'tick' }, NOW + 2700 + 1850))).toBe(true);
  });

  it('links the heir once two of her heartbeats in a row name it (the heir heard the first), and not once she names none', () => {
    const protocol = worker();
    expect(linksTo(protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, NOW + 20))).toEqual([]);
    expect(linksTo(protocol.step({ type: 'tick' }, NOW + 30))).toEqual([]);
    expect(linksTo(protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, NOW + 520))).toEqual([OTHER]);
    const fresh = worker();
    fresh.step({ type: 'frame', peer: OLDER, frame: queenSays({}) }, NOW + 20);
    fresh.step({ type: 'frame', peer: OLDER, frame: queenSays({}) }, NOW + 520);
    expect(linksTo(fresh.step({ type: 'tick' }, NOW + 530))).toEqual([]);
  });

  it('asks an heir that refused its link again only after a rest, not on every beat of her', () => {
    const protocol = worker();
    protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, NOW + 20);
    protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, NOW + 520);
    protocol.step({ type: 'linkClosed', peer: OTHER }, NOW + 525);
    const asked: string[] = [];
    let at = NOW + 1020;
    for (; at - (NOW + 525) <= CONFIG.linkAttemptTimeoutMs; at += 250) {
      asked.push(...linksTo(protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, at)), ...linksTo(protocol.step({ type: 'tick' }, at)));
    }
    expect(asked).toEqual([]);
    expect(linksTo(protocol.step({ type: 'tick' }, at))).toEqual([OTHER]);
  });

  it('links the heir only as a member of her hive: the heir takes no other bee', () => {
    const outsider = bee([[OLDER, { queen: OLDER, term: 3 }]], NOBODY);
    const ballots = [OLDER, OTHER].map((voter) => seal(voter, { k: 'ballot', term: 3, candidate: OLDER, membership: HIVE_WITHOUT_SELF }));
    outsider.step({ type: 'frame', peer: OLDER, frame: envelope(OLDER, { k: 'queen', term: 3, membership: HIVE_WITHOUT_SELF, authority: { by: 'votes', ballots } }) }, NOW + 10);
    expect(outsider.snapshot().queen).toBe(OLDER);
    const asked: string[] = [];
    for (const at of [20, 520, 1020]) asked.push(...linksTo(outsider.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER, hiveVersion: [2, 0] }) }, NOW + at)), ...linksTo(outsider.step({ type: 'tick' }, NOW + at)));
    expect(asked).toEqual([]);
  });

  it('follows the heir its queen bred on its move, before her claim, and campaigns in her hive only once she is silent', () => {
    const protocol = worker();
    const membership: Membership = { hive: 'e'.repeat(16), term: 0, epoch: 0, members: [OTHER, OLDER, SELF] };
    const split = seal(OLDER, { k: 'split', heir: OTHER, membership });
    protocol.step({ type: 'frame', peer: OLDER, frame: envelope(OLDER, { k: 'move', to: OTHER, membership, seal: split }) }, NOW + 20);
    expect(protocol.snapshot()).toMatchObject({ queen: OTHER, hive: membership.hive });
    expect(campaignsAfter(protocol, NOW + 20)).toBeGreaterThanOrEqual(CONFIG.queenTimeoutMs);
  });

  it('forgets the heir of the queen it followed once it follows another', () => {
    const protocol = worker();
    protocol.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: OTHER }) }, NOW + 20);
    const ballots = [OLDER, SELF].map((voter) => seal(voter, { k: 'ballot', term: 5, candidate: QUEEN, membership: { ...HIVE, members: [SELF, OLDER, QUEEN].sort() } }));
    protocol.step({ type: 'frame', peer: OLDER, frame: envelope(QUEEN, { k: 'queen', term: 5, membership: { ...HIVE, members: [SELF, OLDER, QUEEN].sort() }, authority: { by: 'votes', ballots } }) }, NOW + 30);
    expect(protocol.snapshot().queen).toBe(QUEEN);
    expect(linksTo(protocol.step({ type: 'tick' }, NOW + 40))).not.toContain(OTHER);
  });

  it('follows the heir its queen bred with it among her members as soon as her claim comes, before its move does', () => {
    const protocol = worker();
    const membership: Membership = { hive: 'e'.repeat(16), term: 0, epoch: 0, members: [OTHER, OLDER, SELF] };
    const split = seal(OLDER, { k: 'split', heir: OTHER, membership });
    protocol.step({ type: 'linkOpen', peer: OTHER }, NOW + 20);
    protocol.step({ type: 'frame', peer: OTHER, frame: envelope(OTHER, { k: 'queen', term: 1, membership, authority: { by: 'split', seal: split } }) }, NOW + 30);
    expect(protocol.snapshot()).toMatchObject({ queen: OTHER, hive: membership.hive });
  });

  it('as the heir, takes a link from every member of its hive even with all its links taken', () => {
    const neighbours = ['1', '2', '3', '4', '5', '6'].map((c) => c.repeat(16));
    const heir = bee([[OLDER, { queen: OLDER, term: 3 }], ...neighbours.map((peer): [string, Partial<Heartbeat>] => [peer, {}])], { term: 2, votedFor: null, membership: HIVE, deliveredIds: [] }, SELF);
    expect(heir.accepts(OTHER, NOW + 5)).toBe(false);
    const ballots = [OLDER, OTHER].map((voter) => seal(voter, { k: 'ballot', term: 3, candidate: OLDER, membership: HIVE }));
    heir.step({ type: 'frame', peer: OLDER, frame: envelope(OLDER, { k: 'queen', term: 3, membership: HIVE, authority: { by: 'votes', ballots } }) }, NOW + 10);
    heir.step({ type: 'frame', peer: OLDER, frame: queenSays({ heir: SELF }) }, NOW + 20);
    expect(heir.accepts(OTHER, NOW + 30)).toBe(true);
    expect(heir.accepts('7'.repeat(16), NOW + 30)).toBe(false);
  });
});
