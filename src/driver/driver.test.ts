// The driver carries a real protocol's effects out through its ports: a vote leaves only once it
// is written, a failed write means the vote is never cast, a delivered message is kept before its
// acknowledgement leaves, a store that answers at once costs no waiting, and a page that leaves
// says goodbye at once and steps no more.
import { describe, expect, it } from 'vitest';
import type { Envelope, Frame, Payload } from '../hive/frames';
import type { Membership } from '../hive/membership';
import { Protocol } from '../hive/protocol';
import { seededRng } from '../hive/rng';
import { simNotary } from '../sim/notary';
import { Driver, type DriverOptions } from './driver';
import type { Settled, Store, Written } from './ports';

const SELF = 'a'.repeat(16);
const PEER = 'b'.repeat(16);
const CANDIDATE = 'c'.repeat(16);
const KEY = 7;
const HIVE: Membership = { hive: 'f'.repeat(16), term: 2, epoch: 3, members: [SELF, PEER, CANDIDATE] };
const START_MS = 1_000_000;

let envelopes = 0;
const envelope = (from: string, to: string | null, p: Payload): Envelope => ({ t: 'env', id: (++envelopes).toString(16).padStart(16, '0'), from, to, ttl: 8, route: [from], p });
const elect = (term: number): Envelope => envelope(CANDIDATE, null, { k: 'elect', term, pre: false, membership: HIVE, seal: null });
const data = (msg: string): Envelope => envelope(PEER, SELF, { k: 'data', msg, body: 'hello' });

/** What left on the wire, by kind: 'vote', 'ack', 'bye', 'hb'… */
const kind = (frame: Frame): string => (frame.t === 'env' ? frame.p.k : frame.t);

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function deferred(): { write: Promise<boolean>; answer: (ok: boolean) => void } {
  let answer!: (ok: boolean) => void;
  const write = new Promise<boolean>((resolve) => (answer = resolve));
  return { write, answer };
}

/**
 * A member of HIVE, linked to PEER, driven with `store` answering its writes; `sent` is what
 * left on the wire, `done` every port call in order.
 */
function member(answers: { persist?: () => Written; deliver?: () => Written }, options?: DriverOptions) {
  const sent: string[] = [];
  const done: string[] = [];
  const settled: Settled[] = [];
  let now = START_MS;
  const store: Store = {
    persist: (effect) => (done.push(`persist ${effect.term} ${effect.votedFor}`), answers.persist?.() ?? true),
    deliver: (message) => (done.push(`deliver ${message.id} at ${message.at}`), answers.deliver?.() ?? true),
    adopt: () => true,
    ban: () => undefined,
  };
  const protocol = new Protocol(SELF, seededRng(1), simNotary(SELF, KEY), { restored: { term: 0, votedFor: null, membership: HIVE, deliveredIds: [] } });
  const driver = new Driver(
    protocol,
    {
      wire: {
        link: () => undefined,
        unlink: (peer) => done.push(`unlink ${peer}`),
        send: (_peer, frame) => (sent.push(kind(frame)), done.push(`send ${kind(frame)}`)),
        sample: () => undefined,
      },
      store,
      clock: { now: () => now },
      observe: { settled: (effect) => settled.push(effect) },
    },
    options,
  );
  driver.step({ type: 'linkOpen', peer: PEER });
  sent.length = 0;
  done.length = 0;
  return { driver, sent, done, settled, later: (ms: number) => (now += ms) };
}

describe('the driver', () => {
  it('casts a vote only once it is written: the vote frame waits for the store', async () => {
    const vote = deferred();
    const { driver, sent, done } = member({ persist: () => vote.write });
    driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    // It enters the term, then votes in it: two writes, and no frame yet.
    expect(done).toEqual(['persist 5 null', `persist 5 ${CANDIDATE}`]);
    expect(sent).not.toContain('vote');
    expect(driver.held.waiting).toBeGreaterThan(0);
    vote.answer(true);
    await settle();
    expect(sent).toContain('vote');
    expect(done.indexOf('send vote')).toBeGreaterThan(done.indexOf(`persist 5 ${CANDIDATE}`));
  });

  it('never casts a vote whose write failed, and goes on sending what comes after it', async () => {
    const vote = deferred();
    const { driver, sent, later } = member({ persist: () => vote.write });
    driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    vote.answer(false);
    await settle();
    expect(sent).not.toContain('vote');
    expect(driver.held.waiting).toBe(0);
    expect(driver.held.dropped).toBeGreaterThan(0);
    later(1500);
    driver.step({ type: 'tick' });
    expect(sent).toContain('hb');
  });

  it('keeps a delivered message before its acknowledgement leaves, stamped with the clock port\'s time', async () => {
    const inbox = deferred();
    const { driver, sent, done, later } = member({ deliver: () => inbox.write });
    later(42);
    driver.step({ type: 'frame', peer: PEER, frame: data('1'.repeat(16)) });
    expect(done).toEqual([`deliver ${'1'.repeat(16)} at ${START_MS + 42}`]);
    expect(sent).not.toContain('ack');
    inbox.answer(true);
    await settle();
    expect(sent).toContain('ack');
  });

  it('with a store that answers at once, has the vote out when the step returns, and drops it at once when the write failed', () => {
    const kept = member({ persist: () => true });
    kept.driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    expect(kept.sent).toContain('vote');
    const lost = member({ persist: () => false });
    lost.driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    expect(lost.sent).not.toContain('vote');
    expect(lost.driver.held.dropped).toBeGreaterThan(0);
  });

  it('as the broken driver tests ask for (framesWaitForWrites: false), casts a vote whose write failed', () => {
    const { driver, sent } = member({ persist: () => false }, { framesWaitForWrites: false });
    driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    expect(sent).toContain('vote');
  });

  it('says goodbye at once when the page leaves, drops the frames still held behind a write, and steps no more', async () => {
    const vote = deferred();
    const { driver, sent, settled } = member({ persist: () => vote.write });
    driver.step({ type: 'send', ref: 1, to: PEER, body: 'in flight' });
    driver.step({ type: 'frame', peer: PEER, frame: elect(5) });
    driver.leave();
    expect(sent).toContain('bye');
    expect(settled).toContainEqual(expect.objectContaining({ ref: 1, ok: false }));
    vote.answer(true);
    await settle();
    expect(sent).not.toContain('vote');
    expect(driver.step({ type: 'tick' })).toEqual([]);
  });
});
