// Messages to one bee under a pair key's MAC instead of a signature: when they go MAC'd, how far
// they may travel, and whom a MAC'd envelope that fails is charged to (docs/security.md).
import { describe, expect, it } from 'vitest';
import { bytesToBase64url } from '../crypto/encoding';
import { createIdentity, type Identity } from '../crypto/identity';
import { macFields, pairKey } from '../crypto/pair-key';
import { MAX_PAYLOAD_BYTES, type Envelope } from '../hive/frames';
import { EnvelopeGuard, type GuardOptions } from './envelope-guard';

const COLONY = 'maced';
const origin = createIdentity();
const queen = createIdentity();
const receiver = createIdentity();
const stranger = createIdentity();

let nextId = 1;
const freshId = () => (nextId++).toString(16).padStart(16, '0');

const message = (from: Identity, to: Identity, msg = freshId(), body: unknown = 'hi'): Envelope => ({
  t: 'env',
  id: freshId(),
  from: from.id,
  to: to.id,
  ttl: 8,
  route: [from.id],
  p: { k: 'data', msg, body },
});

/** `guard` learns `bee`'s public key, as from any envelope `bee` originated. */
function introduce(guard: EnvelopeGuard, bee: Identity, self: Identity): void {
  const hello = new EnvelopeGuard(bee, COLONY).encode({ ...message(bee, self), to: null })!;
  expect(guard.check(bee.id, hello)).toHaveProperty('frame');
}

/** A guard for `self` that records whom it charges. */
function watched(self: Identity, options: GuardOptions = {}): { guard: EnvelopeGuard; charged: string[] } {
  const charged: string[] = [];
  const guard = new EnvelopeGuard(self, COLONY, { ...options, onDropped: (peer, reason, from) => charged.push(`${peer} ${reason} ${from}`) });
  return { guard, charged };
}

/** `env` as it leaves its origin, MAC'd by hand (an honest guard would refuse some of these). */
function macedByHand(env: Envelope, from: Identity, to: Identity, seq = 1): string {
  const key = pairKey(from, to.publicKey, COLONY)!;
  const mac = macFields(key, { c: COLONY, from: env.from, to: env.to, p: env.p, seq, ttl: env.ttl + env.route.length - 1 });
  return JSON.stringify({ ...env, auth: { pub: bytesToBase64url(from.publicKey), seq, mac } });
}

const relayed = (wire: string, by: Identity) => {
  const env = JSON.parse(wire) as Envelope;
  return JSON.stringify({ ...env, ttl: env.ttl - 1, route: [...env.route, by.id] });
};

describe('pair keys', () => {
  it('give both bees of a pair the same key, and any other pair another', () => {
    const key = pairKey(origin, receiver.publicKey, COLONY);
    expect(key).toEqual(pairKey(receiver, origin.publicKey, COLONY));
    expect(key).not.toEqual(pairKey(origin, stranger.publicKey, COLONY));
    expect(key).not.toEqual(pairKey(origin, receiver.publicKey, 'another colony'));
  });
});

describe('MAC-authenticated messages', () => {
  it('go MAC-authenticated to a receiver whose key the origin knows, and are delivered', () => {
    const sender = new EnvelopeGuard(origin, COLONY);
    const env = message(origin, receiver);
    expect(JSON.parse(sender.encode(env, receiver.id)!).auth).toHaveProperty('sig');
    introduce(sender, receiver, origin);
    const wire = sender.encode(message(origin, receiver), receiver.id)!;
    expect(JSON.parse(wire).auth).toMatchObject({ mac: expect.any(String) });
    expect(JSON.parse(wire).auth).not.toHaveProperty('sig');
    const { guard, charged } = watched(receiver);
    expect(guard.check(origin.id, wire)).toMatchObject({ frame: { p: { k: 'data', body: 'hi' } } });
    expect(guard.counters).toMatchObject({ macChecked: 1, verified: 0 });
    expect(charged).toEqual([]);
  });

  it('go signed on a retransmission, so that a path the origin guessed wrong costs one retry', () => {
    const sender = new EnvelopeGuard(origin, COLONY);
    introduce(sender, receiver, origin);
    const first = message(origin, receiver);
    expect(JSON.parse(sender.encode(first, receiver.id)!).auth).toHaveProperty('mac');
    const again = { ...message(origin, receiver), p: first.p };
    expect(JSON.parse(sender.encode(again, receiver.id)!).auth).toHaveProperty('sig');
  });

  it('go signed through a next hop that does not hand them straight to their receiver', () => {
    const plain = new EnvelopeGuard(origin, COLONY);
    introduce(plain, receiver, origin);
    expect(JSON.parse(plain.encode(message(origin, receiver), queen.id)!).auth).toHaveProperty('sig');
    const worker = new EnvelopeGuard(origin, COLONY, { handsTo: (via, to) => via === queen.id && to === receiver.id });
    introduce(worker, receiver, origin);
    expect(JSON.parse(worker.encode(message(origin, receiver), queen.id)!).auth).toHaveProperty('mac');
    const vote: Envelope = { ...message(origin, receiver), p: { k: 'vote', term: 1, pre: false, ballot: null } };
    expect(JSON.parse(worker.encode(vote, queen.id)!).auth).toHaveProperty('sig');
  });

  it("go MAC-authenticated for a hive's business handed straight to its receiver, and signed for anything else", () => {
    const sender = new EnvelopeGuard(origin, COLONY);
    introduce(sender, receiver, origin);
    const vote: Envelope = { ...message(origin, receiver), p: { k: 'vote', term: 1, pre: false, ballot: null } };
    const wire = sender.encode(vote, receiver.id)!;
    expect(JSON.parse(wire).auth).toHaveProperty('mac');
    const { guard, charged } = watched(receiver);
    expect(guard.check(origin.id, wire)).toMatchObject({ frame: { p: { k: 'vote' } } });
    expect(guard.counters).toMatchObject({ macChecked: 1, verified: 0 });
    expect(charged).toEqual([]);
    const notice: Envelope = { ...message(origin, receiver), p: { k: 'here', workers: [] } };
    expect(JSON.parse(sender.encode(notice, receiver.id)!).auth).toHaveProperty('sig');
  });

  it('are relayed once, straight from their origin to their receiver, and nowhere else', () => {
    const sender = new EnvelopeGuard(origin, COLONY, { handsTo: () => true });
    introduce(sender, receiver, origin);
    const env = message(origin, receiver);
    const wire = sender.encode(env, queen.id)!;
    const middle = watched(queen);
    const checked = middle.guard.check(origin.id, wire);
    if (!('frame' in checked)) throw new Error(`dropped: ${checked.dropped}`);
    const onward = { ...(checked.frame as Envelope), ttl: 7, route: [origin.id, queen.id] };
    expect(middle.guard.encode(onward, stranger.id)).toBeNull();
    const delivered = middle.guard.encode(onward, receiver.id)!;
    const end = watched(receiver);
    expect(end.guard.check(queen.id, delivered)).toHaveProperty('frame');
    expect([...middle.charged, ...end.charged]).toEqual([]);
    // Whoever passes one on further is charged for it, by a relay and by the receiver alike.
    const second = watched(stranger);
    expect(second.guard.check(queen.id, delivered)).toMatchObject({ dropped: 'forged' });
    expect(second.charged).toEqual([`${queen.id} forged ${origin.id}`]);
    expect(end.guard.check(stranger.id, relayed(relayed(wire, queen), stranger))).toMatchObject({ dropped: 'forged' });
    expect(end.charged).toEqual([`${stranger.id} forged ${origin.id}`]);
  });

  it('charge a bad MAC to the link when it came straight from its origin, and to nobody when it came through a relay', () => {
    const env = message(origin, receiver);
    const tampered = JSON.stringify({ ...JSON.parse(macedByHand(env, origin, receiver)), p: { ...env.p, body: 'changed' } });
    const direct = watched(receiver);
    expect(direct.guard.check(origin.id, tampered)).toMatchObject({ dropped: 'forged' });
    expect(direct.charged).toEqual([`${origin.id} forged ${origin.id}`]);
    const through = watched(receiver);
    expect(through.guard.check(queen.id, relayed(tampered, queen))).toMatchObject({ dropped: 'forged' });
    expect(through.charged).toEqual([]);
    expect(through.guard.counters).toMatchObject({ unprovable: 1, forged: 0 });
  });

  it('charge a payload over the limit to the link it came on, since a relay checks the size before passing anything on', () => {
    const env = message(origin, receiver, freshId(), 'x'.repeat(MAX_PAYLOAD_BYTES));
    const wire = macedByHand(env, origin, receiver);
    const middle = watched(queen);
    expect(middle.guard.check(origin.id, wire)).toMatchObject({ dropped: 'oversized' });
    expect(middle.charged).toEqual([`${origin.id} oversized ${origin.id}`]);
    const end = watched(receiver);
    expect(end.guard.check(queen.id, relayed(wire, queen))).toMatchObject({ dropped: 'oversized' });
    expect(end.charged).toEqual([`${queen.id} oversized ${queen.id}`]);
  });

  it("are never broadcasts, nor a hive's business that came through a relay, nor anything else", () => {
    const { guard, charged } = watched(receiver);
    const broadcast = { ...message(origin, receiver), to: null };
    expect(guard.check(origin.id, JSON.stringify({ ...JSON.parse(macedByHand(message(origin, receiver), origin, receiver)), to: null, id: broadcast.id }))).toMatchObject({ dropped: 'unsigned' });
    const vote: Envelope = { ...message(origin, receiver), p: { k: 'vote', term: 1, pre: false, ballot: null } };
    expect(guard.check(queen.id, relayed(macedByHand(vote, origin, receiver, 2), queen))).toMatchObject({ dropped: 'unsigned' });
    const notice: Envelope = { ...message(origin, receiver), p: { k: 'here', workers: [] } };
    expect(guard.check(origin.id, macedByHand(notice, origin, receiver, 3))).toMatchObject({ dropped: 'unsigned' });
    expect(charged).toEqual([`${origin.id} unsigned ${origin.id}`, `${queen.id} unsigned ${origin.id}`, `${origin.id} unsigned ${origin.id}`]);
  });

  it('are taken once per sequence number: a replay through a relay is charged to nobody, straight from its origin to the link', () => {
    const wire = macedByHand(message(origin, receiver), origin, receiver, 7);
    const replay = JSON.stringify({ ...JSON.parse(wire), id: freshId() });
    let now = 0;
    const { guard, charged } = watched(receiver, { now: () => now });
    expect(guard.check(origin.id, wire)).toHaveProperty('frame');
    now = 60_000;
    expect(guard.check(queen.id, relayed(replay, queen))).toMatchObject({ dropped: 'replayed' });
    expect(charged).toEqual([]);
    expect(guard.check(origin.id, replay)).toMatchObject({ dropped: 'replayed' });
    expect(charged).toEqual([`${origin.id} replayed ${origin.id}`]);
  });
});
