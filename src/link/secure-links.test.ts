// Signed envelopes end to end over the in-memory transport, with the real protocol on each bee:
// a line of bees A — R — B, where R relays between A and B. R can route A's messages but cannot
// change them, replay them, pass off its own as A's, strip their signatures or raise their ttl: B
// drops and counts each, charges R's link, and delivers only what A really sent. An honest relay
// drops a forged envelope before it goes any further, and an oversized one A signed is charged to
// A, never to the relay.
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToBase64url } from '../crypto/encoding';
import { signFields } from '../crypto/envelope';
import { createIdentity, type Identity } from '../crypto/identity';
import { identityNotary } from './notary';
import { Protocol, type Delivered, type Effect, type HiveEvent } from '../hive/protocol';
import { seededRng } from '../hive/rng';
import { MemoryNetwork } from '../net/memory';
import { MAX_HOPS, MAX_PAYLOAD_BYTES, type Envelope } from '../hive/frames';
import { REPLAY_GRACE_MS } from './replay-window';
import { misconduct, SecureLinks } from './secure-links';

const COLONY = 'line';
const started: SecureLinks[] = [];
/** Added to every bee's clock: lets a test replay something long after it was first heard. */
let laterMs = 0;

afterEach(() => {
  for (const links of started.splice(0)) links.destroy();
  laterMs = 0;
});

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const since = Date.now();
  while (!condition()) {
    if (Date.now() - since > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A bee as the driver runs it, minus storage and signaling: protocol + secure links. */
class TestBee {
  readonly identity: Identity = createIdentity();
  readonly links: SecureLinks;
  readonly protocol: Protocol;
  readonly delivered: Delivered[] = [];
  readonly settled: Array<Extract<Effect, { type: 'settled' }>> = [];
  /** Every raw frame that reached this bee's transport, handshake included. */
  readonly wire: Array<{ peer: string; frame: string }> = [];

  constructor(network: MemoryNetwork, seed: number) {
    const raw = network.transport(this.identity.id);
    raw.subscribe((event) => event.type === 'frame' && this.wire.push({ peer: event.peer, frame: event.frame }));
    this.links = new SecureLinks(raw, { identity: this.identity, colony: COLONY, colonyKey: null }, {
      now: () => Date.now() + laterMs,
      onDropped: (peer, reason, origin) => this.step(misconduct(peer, reason, origin)),
    });
    started.push(this.links);
    this.protocol = new Protocol(this.identity.id, seededRng(seed), identityNotary(this.identity));
    this.links.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else this.step(event);
    });
  }

  get id(): string {
    return this.identity.id;
  }

  step(event: HiveEvent): void {
    for (const effect of this.protocol.step(event, Date.now())) {
      if (effect.type === 'send') this.links.send(effect.peer, effect.frame);
      else if (effect.type === 'link') this.links.link(effect.peer);
      else if (effect.type === 'unlink') this.links.unlink(effect.peer);
      else if (effect.type === 'deliver') this.delivered.push(effect.message);
      else if (effect.type === 'settled') this.settled.push(effect);
    }
  }

  /** Offences this bee counted against each bee. */
  charged(): Record<string, number> {
    return this.protocol.snapshot().conduct.charged;
  }

  /** The data envelopes that reached this bee's transport, as they travelled. */
  dataFrames(): Array<Record<string, unknown> & { p: { k: string; body?: unknown }; auth: { seq: number } }> {
    return this.wire.map(({ frame }) => JSON.parse(frame)).filter((f) => f.t === 'env' && f.p.k === 'data');
  }
}

async function line(): Promise<{ a: TestBee; r: TestBee; b: TestBee }> {
  const network = new MemoryNetwork();
  const [a, r, b] = [new TestBee(network, 1), new TestBee(network, 2), new TestBee(network, 3)];
  a.links.link(r.id);
  r.links.link(b.id);
  const neighbours = (bee: TestBee) => bee.protocol.snapshot().neighbours.length;
  await until(() => neighbours(a) === 1 && neighbours(r) === 2 && neighbours(b) === 1, 'the line is linked');
  return { a, r, b };
}

/** A sends `body` to B through R and waits for B to deliver it. */
async function sendThrough(a: TestBee, b: TestBee, body: string): Promise<void> {
  a.step({ type: 'send', ref: 1, to: b.id, body });
  await until(() => b.delivered.some((m) => m.body === body), `B delivers ${body}`);
}

/** `frame` as R passes it on: one ttl less, R added to its route. */
const relayedBy = <F extends Record<string, unknown>>(r: TestBee, frame: F): F => ({ ...frame, ttl: (frame.ttl as number) - 1, route: [...(frame.route as string[]), r.id] });

describe('signed envelopes', () => {
  it('carry a message through a relay that checks it, and its acknowledgement back', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'hello B');
    await until(() => a.settled.length === 1, 'A hears the ack');
    expect(a.settled[0]).toMatchObject({ ok: true });
    expect(b.delivered[0]).toMatchObject({ from: a.id, route: [a.id, r.id, b.id] });
    // R checked A's envelope before relaying it, and B's ack before relaying that.
    expect(r.links.counters.envelopes.verified).toBeGreaterThanOrEqual(2);
    expect(b.links.counters.envelopes).toMatchObject({ forged: 0, replayed: 0, unsigned: 0 });
  });

  it('a relay (a queen, say) can route but not forge: a changed body is dropped and counted', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'original');
    const genuine = r.dataFrames()[0]!;
    // A new body under a sequence number A has not used yet: what a relay changing the envelope in
    // flight would send (the same number again would be dropped as a replay before any check).
    const tampered = {
      ...relayedBy(r, genuine),
      id: 'f'.repeat(16),
      p: { ...genuine.p, msg: 'e'.repeat(16), body: 'changed by the relay' },
      auth: { ...genuine.auth, seq: genuine.auth.seq + 1 },
    };
    expect(r.links.sendRaw(b.id, JSON.stringify(tampered))).toBe(true);
    await until(() => b.links.counters.envelopes.forged === 1, 'B counts a forgery');
    await sendThrough(a, b, 'after'); // a fence: anything R sent earlier has arrived
    expect(b.delivered.map((m) => m.body)).toEqual(['original', 'after']);
  });

  it('drops a replayed envelope (an old signature under a new envelope id) and an exact copy', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'once');
    const genuine = r.dataFrames()[0]!;
    // Under a new envelope id and message id, as a replay that the protocol's de-duplication would
    // miss, well after the original (a copy racing the original is only a duplicate).
    laterMs = REPLAY_GRACE_MS + 1000;
    r.links.sendRaw(b.id, JSON.stringify({ ...relayedBy(r, genuine), id: 'd'.repeat(16) }));
    r.links.sendRaw(b.id, JSON.stringify(relayedBy(r, genuine)));
    await until(() => b.links.counters.envelopes.replayed === 1, 'B counts a replay');
    await sendThrough(a, b, 'twice');
    expect(b.links.counters.envelopes.duplicates).toBeGreaterThanOrEqual(1);
    expect(b.delivered.map((m) => m.body)).toEqual(['once', 'twice']);
  });

  it('drops an envelope the relay signed itself in the origin\'s name, and one with no signature', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'real');
    const genuine = r.dataFrames()[0]!;
    // R signs the envelope with its own key, as if it were A's.
    const p = { k: 'data', msg: 'c'.repeat(16), body: 'in A\'s name' };
    const seq = genuine.auth.seq + 1;
    const sig = signFields(r.identity, 'envelope', { c: COLONY, from: a.id, to: b.id, p, seq, ttl: genuine.ttl });
    const own = { ...relayedBy(r, genuine), id: 'c'.repeat(16), p, auth: { pub: bytesToBase64url(r.identity.publicKey), seq, sig } };
    const bare: Record<string, unknown> = { ...relayedBy(r, genuine), id: 'b'.repeat(16), p: { k: 'data', msg: 'b'.repeat(16), body: 'unsigned' } };
    delete bare.auth;
    r.links.sendRaw(b.id, JSON.stringify(own));
    r.links.sendRaw(b.id, JSON.stringify(bare));
    await until(() => b.links.counters.envelopes.forged === 1 && b.links.counters.envelopes.unsigned === 1, 'B counts both');
    await sendThrough(a, b, 'fence');
    expect(b.delivered.map((m) => m.body)).toEqual(['real', 'fence']);
  });

  it('an honest relay drops a forged envelope instead of passing it on', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'first');
    const genuine = r.dataFrames()[0]!;
    // Valid shape and the right key, but a signature that is not A's.
    const forged = { ...genuine, id: 'a'.repeat(16), p: { k: 'data', msg: 'a'.repeat(16), body: 'forged' }, auth: { ...genuine.auth, seq: genuine.auth.seq + 1, sig: 'A'.repeat(86) } };
    a.links.sendRaw(r.id, JSON.stringify(forged));
    await until(() => r.links.counters.envelopes.forged === 1, 'R counts the forgery');
    await sendThrough(a, b, 'fence');
    expect(b.dataFrames().some((f) => f.p.body === 'forged')).toBe(false);
    expect(b.links.counters.envelopes.forged).toBe(0);
    expect(b.delivered.map((m) => m.body)).toEqual(['first', 'fence']);
  });

  it('a relay that raises the ttl, or writes a route that does not end with itself, is charged for it; the origin never is', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'first');
    const genuine = r.dataFrames()[0]!;
    const fresh = (n: string, frame: Record<string, unknown>) => ({
      ...frame,
      id: n.repeat(16),
      auth: { ...genuine.auth, seq: genuine.auth.seq + 1 },
    });
    // The same signed envelope A never sent (seq unused at B) so that B checks each in full. A
    // raised ttl with a made-up bee in the route, so that the hop count still adds up:
    const raised = { ...relayedBy(r, genuine), ttl: MAX_HOPS - 2, route: [a.id, b.id.replace(/./, 'f'), r.id] };
    // ... and the route of a relay that did not add itself (or wrote another bee last).
    const notLast = { ...genuine, ttl: (genuine.ttl as number) - 1, route: [a.id, b.id.replace(/./, 'e')] };
    r.links.sendRaw(b.id, JSON.stringify(fresh('9', raised)));
    r.links.sendRaw(b.id, JSON.stringify(fresh('8', notLast)));
    await until(() => b.links.counters.envelopes.forged === 2, 'B counts both as forged');
    await sendThrough(a, b, 'fence');
    expect(b.delivered.map((m) => m.body)).toEqual(['first', 'fence']);
    expect(b.charged()).toEqual({ [r.id]: 2 });
  });

  it('an oversized payload its origin signed is charged to the origin where it first arrives, and goes no further', async () => {
    const { a, r, b } = await line();
    await sendThrough(a, b, 'first');
    // What an honest guard refuses to sign, and what would push the frame over 16 KiB one hop on.
    const big: Envelope = { t: 'env', id: '7'.repeat(16), from: a.id, to: b.id, ttl: 8, route: [a.id], p: { k: 'data', msg: '7'.repeat(16), body: 'x'.repeat(MAX_PAYLOAD_BYTES) } };
    expect(a.links.encode(big)).toBeNull();
    a.links.sendRaw(r.id, a.links.encodeOverLimits(big)!);
    await until(() => r.links.counters.envelopes.oversized === 1, 'R drops it');
    expect(r.charged()).toEqual({ [a.id]: 1 });
    expect(r.protocol.snapshot().conduct.condemned.oversized).toBe(1);
    // A worker shuts its signer out (banning is a queen's word): the link to A closes.
    await until(() => !r.protocol.snapshot().neighbours.includes(a.id), 'R cuts A off');
    expect(b.dataFrames().some((f) => (f.p as { msg?: string }).msg === '7'.repeat(16))).toBe(false);
    expect(b.charged()).toEqual({});
  });
});
