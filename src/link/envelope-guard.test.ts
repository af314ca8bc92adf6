// The envelope guard on its own: what it signs, what it lets through, what it drops and counts.
import { describe, expect, it } from 'vitest';
import { createIdentity } from '../crypto/identity';
import { MAX_HOPS, MAX_PAYLOAD_BYTES, type Envelope, type Heartbeat } from '../hive/frames';
import { MAX_FRAME_BYTES } from '../net/transport';
import { EnvelopeGuard } from './envelope-guard';
import { REPLAY_GRACE_MS, ReplayWindows } from './replay-window';

const COLONY = 'guarded';
const origin = createIdentity();
const relay = createIdentity();
const receiver = createIdentity();

const envelope = (id: string, body: unknown = 'hi'): Envelope => ({
  t: 'env',
  id,
  from: origin.id,
  to: receiver.id,
  ttl: 8,
  route: [origin.id],
  p: { k: 'data', msg: id, body },
});

describe('the envelope guard', () => {
  it('signs an envelope once however many links it goes out on, with a rising sequence number', () => {
    const guard = new EnvelopeGuard(origin, COLONY, { now: () => 5 });
    const first = JSON.parse(guard.encode(envelope('1'.repeat(16)))!);
    expect(JSON.parse(guard.encode(envelope('1'.repeat(16)))!)).toEqual(first);
    const second = JSON.parse(guard.encode(envelope('2'.repeat(16)))!);
    expect(guard.counters.signed).toBe(2);
    expect(first.auth.seq).toBe(5000);
    expect(second.auth.seq).toBe(5001);
  });

  it('passes heartbeats through unsigned, as they are link-local', () => {
    const guard = new EnvelopeGuard(origin, COLONY);
    const hb: Heartbeat = { t: 'hb', digest: [], hives: [], term: 1, queen: null, hive: null, hiveVersion: null, uptimeMs: 5, visible: true, version: 0 };
    expect(JSON.parse(guard.encode(hb)!)).toEqual(hb);
    expect(new EnvelopeGuard(receiver, COLONY).check(origin.id, JSON.stringify(hb))).toEqual({ frame: hb });
  });

  it('lets a relay pass on exactly what the origin signed, even payload fields this version does not know', () => {
    // A later version's origin signs a payload with a field this version's parser leaves out.
    const later = { ...envelope('3'.repeat(16)), p: { k: 'data', msg: '3'.repeat(16), body: 'hi', extra: 'new' } } as Envelope;
    const wire = new EnvelopeGuard(origin, COLONY).encode(later)!;
    const middle = new EnvelopeGuard(relay, COLONY);
    const checked = middle.check(origin.id, wire);
    if (!('frame' in checked)) throw new Error(`dropped: ${checked.dropped}`);
    expect(checked.frame).toMatchObject({ p: { k: 'data', body: 'hi' } });
    expect(checked.frame).not.toHaveProperty('p.extra');
    // The protocol relays its own (narrower) copy; the guard sends the payload as signed.
    const onward = middle.encode({ ...(checked.frame as Envelope), ttl: 7, route: [origin.id, relay.id] })!;
    expect(JSON.parse(onward)).toMatchObject({ p: { extra: 'new' }, auth: JSON.parse(wire).auth, ttl: 7 });
    expect(new EnvelopeGuard(receiver, COLONY).check(relay.id, onward)).toHaveProperty('frame');
    expect(middle.counters).toMatchObject({ verified: 1, forged: 0 });
  });

  it('takes its own envelope back under its own id for an echo, and under another id, once a flood is long past, for a replay', () => {
    let now = 1000;
    const guard = new EnvelopeGuard(origin, COLONY, { now: () => now });
    const wire = guard.encode(envelope('6'.repeat(16)))!;
    expect(guard.check(relay.id, wire)).toEqual({ dropped: 'duplicate', origin: origin.id });
    const replayed = JSON.stringify({ ...JSON.parse(wire), id: '7'.repeat(16) });
    expect(guard.check(relay.id, replayed)).toEqual({ dropped: 'duplicate', origin: origin.id });
    now += REPLAY_GRACE_MS + 1;
    expect(guard.check(relay.id, replayed)).toEqual({ dropped: 'replayed', origin: origin.id });
    expect(guard.counters).toMatchObject({ duplicates: 2, replayed: 1 });
  });

  it('does not relay an envelope it never checked', () => {
    const middle = new EnvelopeGuard(relay, COLONY);
    expect(middle.encode(envelope('5'.repeat(16)))).toBeNull();
    expect(middle.counters.unsendable).toBe(1);
  });

  it('refuses a signature made for another colony', () => {
    const wire = new EnvelopeGuard(origin, 'elsewhere').encode(envelope('6'.repeat(16)))!;
    const dropped: string[] = [];
    const guard = new EnvelopeGuard(receiver, COLONY, { onDropped: (peer, reason, from) => dropped.push(`${peer} ${reason} ${from}`) });
    expect(guard.check(relay.id, wire)).toEqual({ dropped: 'forged', origin: origin.id });
    expect(dropped).toEqual([`${relay.id} forged ${origin.id}`]);
  });

  it('counts a frame that is not JSON, or not a frame, as malformed for the protocol to count', () => {
    const guard = new EnvelopeGuard(receiver, COLONY);
    expect(guard.check(relay.id, '{not json')).toEqual({ dropped: 'malformed' });
    expect(guard.check(relay.id, '{"t":"env"}')).toEqual({ dropped: 'malformed' });
  });
});

/** A data payload whose JSON is exactly `bytes` long. */
function payloadOf(bytes: number): Envelope['p'] {
  const p = { k: 'data' as const, msg: '4'.repeat(16), body: '' };
  return { ...p, body: 'x'.repeat(bytes - JSON.stringify(p).length) };
}

describe('blame the signer, never the relay', () => {
  it('drops a signed payload over MAX_PAYLOAD_BYTES, charges its signer (not the link) and never relays it', () => {
    const big: Envelope = { ...envelope('4'.repeat(16)), p: payloadOf(MAX_PAYLOAD_BYTES + 1) };
    const wire = new EnvelopeGuard(origin, COLONY).encodeOverLimits(big)!;
    // It fits a frame as signed: only its signed content is over.
    expect(wire.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    const dropped: string[] = [];
    const middle = new EnvelopeGuard(relay, COLONY, { onDropped: (peer, reason, from) => dropped.push(`${peer} ${reason} ${from}`) });
    expect(middle.check(origin.id, wire)).toEqual({ dropped: 'oversized', origin: origin.id });
    expect(dropped).toEqual([`${origin.id} oversized ${origin.id}`]);
    expect(middle.encode({ ...big, ttl: 7, route: [origin.id, relay.id] })).toBeNull();
    // Its copies are duplicates, not further charges.
    expect(middle.check(origin.id, wire)).toEqual({ dropped: 'duplicate', origin: origin.id });
    expect(middle.counters).toMatchObject({ oversized: 1, verified: 1, forged: 0 });
  });

  it('charges the link, not the origin, for an oversized payload whose signature does not verify', () => {
    const big: Envelope = { ...envelope('4'.repeat(16)), p: payloadOf(MAX_PAYLOAD_BYTES + 1) };
    const wire = JSON.parse(new EnvelopeGuard(origin, COLONY).encodeOverLimits(big)!);
    const forged = JSON.stringify({ ...wire, auth: { ...wire.auth, sig: 'A'.repeat(86) } });
    expect(new EnvelopeGuard(relay, COLONY).check(origin.id, forged)).toEqual({ dropped: 'forged', origin: origin.id });
  });

  it('refuses to sign its own payload over the limit, and writes no frame over MAX_FRAME_BYTES', () => {
    const guard = new EnvelopeGuard(origin, COLONY);
    expect(guard.encode({ ...envelope('4'.repeat(16)), p: payloadOf(MAX_PAYLOAD_BYTES + 1) })).toBeNull();
    const hb: Heartbeat = { t: 'hb', digest: [[origin.id, 1]], hives: [], term: 1, queen: null, hive: null, hiveVersion: null, uptimeMs: 5, visible: true, version: 0 };
    expect(guard.encode({ ...hb, digest: Array.from({ length: 400 }, () => [origin.id, Number.MAX_SAFE_INTEGER]) })).toBeNull();
    expect(guard.counters).toMatchObject({ signed: 0, unsendable: 2 });
  });

  it('carries a payload right at the limit over MAX_HOPS relays, each frame within MAX_FRAME_BYTES', () => {
    const bees = [origin, ...Array.from({ length: MAX_HOPS }, () => createIdentity())];
    let frame: Envelope = { ...envelope('4'.repeat(16)), to: null, ttl: MAX_HOPS, p: payloadOf(MAX_PAYLOAD_BYTES) };
    let wire = new EnvelopeGuard(origin, COLONY).encode(frame)!;
    for (const [hop, bee] of bees.slice(1).entries()) {
      expect(wire.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      const guard = new EnvelopeGuard(bee, COLONY);
      const checked = guard.check(bees[hop]!.id, wire);
      if (!('frame' in checked)) throw new Error(`hop ${hop + 1} dropped it: ${checked.dropped}`);
      frame = { ...(checked.frame as Envelope), ttl: frame.ttl - 1, route: [...frame.route, bee.id] };
      wire = guard.encode(frame)!;
    }
    expect(frame.ttl).toBe(0);
    expect(wire.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(new EnvelopeGuard(receiver, COLONY).check(bees.at(-1)!.id, wire)).toHaveProperty('frame');
  });

  it('holds a relay to the TTL the origin signed and to a route from the origin to itself', () => {
    const signed = JSON.parse(new EnvelopeGuard(origin, COLONY).encode(envelope('4'.repeat(16)))!);
    const guard = new EnvelopeGuard(receiver, COLONY);
    const check = (frame: Record<string, unknown>) => guard.check(relay.id, JSON.stringify(frame));
    // One hop on, as an honest relay sends it: ttl 7, route [origin, relay].
    const honest = { ...signed, ttl: 7, route: [origin.id, relay.id] };
    expect(check({ ...honest, ttl: 8 })).toEqual({ dropped: 'forged', origin: origin.id });
    expect(check({ ...honest, ttl: 6, route: [relay.id, origin.id, relay.id] })).toEqual({ dropped: 'forged', origin: origin.id });
    expect(check({ ...honest, route: [origin.id, receiver.id] })).toEqual({ dropped: 'forged', origin: origin.id });
    expect(guard.counters.verified).toBe(1);
    expect(check(honest)).toHaveProperty('frame');
    // A copy of it with the ttl raised is caught without another verification: it cannot be
    // what the origin signed. An honest copy by another way (its ttl and route add up) is a duplicate.
    expect(check({ ...honest, ttl: 8 })).toEqual({ dropped: 'forged', origin: origin.id });
    expect(guard.check(origin.id, JSON.stringify(signed))).toEqual({ dropped: 'duplicate', origin: origin.id });
    expect(guard.counters.verified).toBe(2);
  });
});

describe('replay windows', () => {
  it('tells a new number from a copy of the same transmission and from a replay', () => {
    const windows = new ReplayWindows(4, 2);
    expect(windows.check('a', 10, 'x', 0)).toBe('new');
    windows.record('a', 10, 'x', 0);
    expect(windows.check('a', 10, 'x', 0)).toBe('duplicate');
    // Under another id: a copy racing the flood at first, a replay once the flood is long past.
    expect(windows.check('a', 10, 'y', REPLAY_GRACE_MS)).toBe('duplicate');
    expect(windows.check('a', 10, 'y', REPLAY_GRACE_MS + 1)).toBe('replayed');
    // Out of order is fine while inside the window.
    windows.record('a', 12, 'z', 0);
    expect(windows.check('a', 11, 'w', 0)).toBe('new');
  });

  it('treats numbers that fell out of the window as used', () => {
    const windows = new ReplayWindows(2, 10);
    for (const seq of [1, 2, 3]) windows.record('a', seq, `e${seq}`, 0);
    expect(windows.check('a', 1, 'e1', 0)).toBe('replayed');
    expect(windows.check('a', 3, 'e3', 0)).toBe('duplicate');
    expect(windows.check('a', 4, 'e4', 0)).toBe('new');
  });

  it('forgets the least recently heard origin beyond its limit', () => {
    const windows = new ReplayWindows(4, 2);
    windows.record('a', 1, 'x', 0);
    windows.record('b', 1, 'y', 0);
    windows.record('a', 2, 'z', 0);
    windows.record('c', 1, 'w', 0);
    expect(windows.check('b', 1, 'y', 0)).toBe('new');
    expect(windows.check('a', 1, 'x', 0)).toBe('duplicate');
  });
});
