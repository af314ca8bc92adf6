// Link authentication over the in-memory transport: a link opens to the protocol only after both
// ends proved their keys (and the colony key, with a passphrase); an impostor, a replayed proof,
// a wrong passphrase, a frame before the handshake and silence are each refused and counted.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64url } from '../crypto/encoding';
import { createIdentity, type Identity } from '../crypto/identity';
import { randomBytes } from '../crypto/random';
import { MemoryNetwork, type MemoryTransport } from '../net/memory';
import { Listeners, type LinkEvent, type LinkFingerprints, type Transport } from '../net/transport';
import { AuthenticatedTransport, type AuthOptions } from './authenticated-transport';
import { HANDSHAKE_VERSION, LinkHandshake, type Refusal } from './handshake';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';

// A passphrase colony's crypto loads before its first link or seal, as Bee.start loads it.
beforeAll(() => loadPassphraseCrypto());

const COLONY = 'test-colony';
const open: Transport[] = [];

afterEach(() => {
  for (const transport of open.splice(0)) transport.destroy();
});

/** Resolves once the condition holds, checking after each turn of the event loop. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Bee {
  identity: Identity;
  transport: AuthenticatedTransport;
  events: LinkEvent[];
  refused: Array<[string, Refusal]>;
}

function bee(network: MemoryNetwork, options: Partial<AuthOptions> & { colonyKey?: Uint8Array | null; identity?: Identity; id?: string } = {}): Bee {
  const identity = options.identity ?? createIdentity();
  const refused: Array<[string, Refusal]> = [];
  const transport = new AuthenticatedTransport(network.transport(options.id ?? identity.id), {
    secrets: { identity, colony: COLONY, colonyKey: options.colonyKey ?? null },
    onRefused: (peer, reason) => refused.push([peer, reason]),
    ...options,
  });
  open.push(transport);
  const events: LinkEvent[] = [];
  transport.subscribe((event) => events.push(event));
  return { identity, transport, events, refused };
}

/** A bee that speaks the raw transport directly: the test writes its frames by hand. */
function rawBee(network: MemoryNetwork, id: string): { transport: MemoryTransport; frames: string[] } {
  const transport = network.transport(id);
  open.push(transport);
  const frames: string[] = [];
  transport.subscribe((event) => event.type === 'frame' && frames.push(event.frame));
  return { transport, frames };
}

const opened = (b: Bee, peer: string) => b.events.some((e) => e.type === 'open' && e.peer === peer);
const closed = (b: Bee, peer: string) => b.events.some((e) => e.type === 'closed' && e.peer === peer);

describe('link authentication', () => {
  it('opens a link to the protocol once both ends proved their keys, then carries frames both ways', async () => {
    const network = new MemoryNetwork();
    const a = bee(network);
    const b = bee(network);
    a.transport.link(b.identity.id);
    await until(() => opened(a, b.identity.id) && opened(b, a.identity.id), 'both ends open');
    expect(a.transport.send(b.identity.id, 'hello protocol')).toBe(true);
    expect(b.transport.send(a.identity.id, 'hello back')).toBe(true);
    await until(() => b.events.some((e) => e.type === 'frame'), 'b gets a frame');
    await until(() => a.events.some((e) => e.type === 'frame'), 'a gets a frame');
    // The handshake frames never reach the protocol: only what was sent after it.
    expect(b.events.filter((e) => e.type === 'frame')).toEqual([{ type: 'frame', peer: a.identity.id, frame: 'hello protocol' }]);
    expect(a.events.filter((e) => e.type === 'frame')).toEqual([{ type: 'frame', peer: b.identity.id, frame: 'hello back' }]);
    expect([a.transport.counters.authenticated, b.transport.counters.authenticated]).toEqual([1, 1]);
    expect([a.transport.counters.refused, b.transport.counters.refused]).toEqual([0, 0]);
  });

  it('sends nothing from the protocol before the far end is authenticated', async () => {
    const network = new MemoryNetwork();
    const a = bee(network);
    const b = bee(network);
    a.transport.link(b.identity.id);
    expect(a.transport.send(b.identity.id, 'too early')).toBe(false);
    await until(() => opened(a, b.identity.id), 'a opens');
  });

  it('refuses a bee whose key does not hash to the id it is linked as', async () => {
    const network = new MemoryNetwork();
    const honest = bee(network);
    // Registered under an id it holds no key for (a real bee's id, say).
    const impostorId = createIdentity().id;
    const impostor = bee(network, { id: impostorId });
    honest.transport.link(impostorId);
    await until(() => closed(honest, impostorId), 'the honest bee closes the link');
    expect(honest.refused).toEqual([[impostorId, 'id-mismatch']]);
    expect(honest.transport.counters.refusals['id-mismatch']).toBe(1);
    expect(opened(honest, impostorId)).toBe(false);
    expect(opened(impostor, honest.identity.id)).toBe(false);
  });

  it('refuses a replayed proof: a real bee\'s hello and proof, recorded on one link, open no other', async () => {
    // Record what a real bee sends to another on an honest link...
    const recording = new MemoryNetwork();
    const victim = bee(recording);
    const witness = createIdentity();
    const tapped = recording.transport(witness.id);
    const recorded: string[] = [];
    tapped.subscribe((event) => event.type === 'frame' && event.peer === victim.identity.id && recorded.push(event.frame));
    open.push(new AuthenticatedTransport(tapped, { secrets: { identity: witness, colony: COLONY, colonyKey: null } }));
    victim.transport.link(witness.id);
    await until(() => opened(victim, witness.id), 'the honest link opens');
    expect(recorded.map((frame) => JSON.parse(frame).t)).toEqual(['hello', 'proof']);

    // ...and play it back to another bee, under the victim's id.
    const network = new MemoryNetwork();
    const target = bee(network);
    const impostor = rawBee(network, victim.identity.id);
    impostor.transport.link(target.identity.id);
    await until(() => impostor.frames.length >= 1, 'the target says hello');
    for (const frame of recorded) impostor.transport.send(target.identity.id, frame);
    await until(() => target.refused.length > 0, 'the target refuses');
    expect(target.refused).toEqual([[victim.identity.id, 'bad-signature']]);
    expect(opened(target, victim.identity.id)).toBe(false);
  });

  it('links bees that derived the same colony key, and refuses a wrong one or none', async () => {
    const network = new MemoryNetwork();
    const key = randomBytes(32);
    const a = bee(network, { colonyKey: key });
    const b = bee(network, { colonyKey: new Uint8Array(key) });
    const wrong = bee(network, { colonyKey: randomBytes(32) });
    const open_ = bee(network);
    a.transport.link(b.identity.id);
    a.transport.link(wrong.identity.id);
    a.transport.link(open_.identity.id);
    await until(() => opened(a, b.identity.id) && closed(a, wrong.identity.id) && closed(a, open_.identity.id), 'links settle');
    expect(new Map(a.refused)).toEqual(new Map<string, Refusal>([[wrong.identity.id, 'wrong-passphrase'], [open_.identity.id, 'passphrase-mismatch']]));
    // The wrong-passphrase bee refuses too, for the same reason: neither side opens.
    await until(() => wrong.refused.length > 0 && open_.refused.length > 0, 'the others refuse');
    expect(wrong.refused).toEqual([[a.identity.id, 'wrong-passphrase']]);
    expect(open_.refused).toEqual([[a.identity.id, 'passphrase-mismatch']]);
    expect(opened(wrong, a.identity.id) || opened(open_, a.identity.id)).toBe(false);
    // A passphrase is not held against a bee: it may retype it (a reload keeps its id), so the
    // next attempt gets a new handshake rather than an instant refusal.
    a.transport.link(wrong.identity.id);
    await until(() => a.transport.counters.refusals['wrong-passphrase'] === 2, 'a second handshake, refused again');
  });

  it('refuses a bee that failed the passphrase too often, in either direction and with no handshake, until its guesses age out', async () => {
    let now = 0;
    const network = new MemoryNetwork();
    const member = bee(network, { colonyKey: randomBytes(32), now: () => now, guesses: { allowed: 2, windowMs: 1000 } });
    const guesser = bee(network, { colonyKey: randomBytes(32) });
    const wrongGuesses = () => member.transport.counters.refusals['wrong-passphrase'];
    for (const attempt of [1, 2]) {
      guesser.transport.link(member.identity.id);
      await until(() => wrongGuesses() === attempt, `wrong guess ${attempt}`);
      await until(() => closed(guesser, member.identity.id), 'the guesser sees the link close');
      guesser.events.length = 0;
    }
    // Its third try gets no handshake at all: no hello, nothing to guess against (read off the
    // guesser's side of the wire).
    const heard: string[] = [];
    network.find(guesser.identity.id)!.subscribe((event) => event.type === 'frame' && heard.push(event.frame));
    guesser.transport.link(member.identity.id);
    await until(() => member.transport.counters.refusals['too-many-guesses'] === 1, 'refused without a handshake');
    expect(heard).toEqual([]);
    member.events.length = 0;
    member.transport.link(guesser.identity.id);
    await until(() => closed(member, guesser.identity.id), 'our own attempt fails at once');
    // ...before any link was made: no second refusal, no handshake.
    expect(member.transport.counters.refusals['too-many-guesses']).toBe(1);
    expect([wrongGuesses(), heard]).toEqual([2, []]);
    now = 1000;
    guesser.transport.link(member.identity.id);
    await until(() => wrongGuesses() === 3, 'a handshake again once the window passed');
  });

  it('binds the proofs to the DTLS connection: a man in the middle with certificates of its own is refused', async () => {
    // Each end reads its view of the link's certificate fingerprints, as its SDP states them.
    const network = new MemoryNetwork();
    const link = async (viewA: LinkFingerprints, viewB: LinkFingerprints) => {
      const [a, b] = [createIdentity(), createIdentity()];
      const rawA = Object.assign(network.transport(a.id), { fingerprints: () => viewA });
      const rawB = Object.assign(network.transport(b.id), { fingerprints: () => viewB });
      const refused: Refusal[] = [];
      const wrap = (raw: Transport, identity: Identity) =>
        new AuthenticatedTransport(raw, { secrets: { identity, colony: COLONY, colonyKey: null }, onRefused: (_, reason) => refused.push(reason) });
      const [ta, tb] = [wrap(rawA, a), wrap(rawB, b)];
      open.push(ta, tb);
      const events: LinkEvent[] = [];
      ta.subscribe((event) => events.push(event));
      ta.link(b.id);
      await until(() => events.length > 0, 'the link opens or closes');
      return { event: events[0]?.type, refused, bound: ta.counters.bound };
    };
    expect(await link({ local: 'A', remote: 'B' }, { local: 'B', remote: 'A' })).toEqual({ event: 'open', refused: [], bound: 1 });
    // Someone relaying the SDP gave each end its own certificate in place of the other's.
    const attacked = await link({ local: 'A', remote: 'M1' }, { local: 'B', remote: 'M2' });
    expect(attacked.event).toBe('closed');
    expect(attacked.bound).toBe(0);
    expect(attacked.refused).toContain('channel-mismatch');
    expect(attacked.refused.every((reason) => reason === 'channel-mismatch')).toBe(true);
  });

  it('keeps a bee the driver does not admit (an evicted one) out, in either direction, with no handshake', async () => {
    const network = new MemoryNetwork();
    const banned = new Set<string>();
    const guard = bee(network, { admit: (peer) => !banned.has(peer) });
    const outcast = rawBee(network, createIdentity().id);
    banned.add(outcast.transport.self);
    guard.transport.link(outcast.transport.self);
    await until(() => closed(guard, outcast.transport.self), 'our own attempt fails at once');
    outcast.transport.link(guard.identity.id);
    await until(() => guard.transport.counters.refusals.banned === 1, 'its attempt is refused');
    expect(guard.refused).toEqual([[outcast.transport.self, 'banned']]);
    expect(outcast.frames).toEqual([]); // not even a hello
    expect(opened(guard, outcast.transport.self)).toBe(false);
  });

  it('refuses a protocol frame sent before the handshake', async () => {
    const network = new MemoryNetwork();
    const honest = bee(network);
    const rude = rawBee(network, createIdentity().id);
    rude.transport.link(honest.identity.id);
    await until(() => rude.frames.length >= 1, 'hello arrives');
    rude.transport.send(honest.identity.id, JSON.stringify({ t: 'hb', digest: [], term: 0, queen: null, hive: null, uptimeMs: 0, visible: true }));
    await until(() => honest.refused.length > 0, 'refused');
    expect(honest.refused[0]?.[1]).toBe('bad-handshake');
    expect(honest.events.some((e) => e.type === 'frame')).toBe(false);
  });

  it('refuses a link that stays silent past the timeout, and may try it again later', async () => {
    const network = new MemoryNetwork();
    const honest = bee(network, { timeoutMs: 30 });
    const silent = rawBee(network, createIdentity().id);
    honest.transport.link(silent.transport.self);
    await until(() => honest.refused.length > 0, 'timed out');
    expect(honest.refused).toEqual([[silent.transport.self, 'timeout']]);
    expect(closed(honest, silent.transport.self)).toBe(true);
    // Slowness is no proof of malice: the bee is not held refused.
    honest.transport.link(silent.transport.self);
    await until(() => silent.frames.length >= 2, 'a second hello');
  });

  it('holds no refusal against the bee an impostor claimed to be: the real bee links at once after', async () => {
    const network = new MemoryNetwork();
    const honest = bee(network);
    const victim = createIdentity();
    // The impostor answers under the victim's id with a key of its own, then with the victim's
    // public key and a made-up proof: neither proves anything about the victim.
    for (const forged of [createHelloOf(createIdentity()), createHelloOf(victim)]) {
      const impostor = rawBee(network, victim.id);
      honest.transport.link(victim.id);
      await until(() => impostor.frames.length >= 1, 'hello');
      impostor.transport.send(honest.identity.id, forged);
      if (forged.includes(bytesToBase64url(victim.publicKey))) impostor.transport.send(honest.identity.id, JSON.stringify({ t: 'proof', sig: 'A'.repeat(86), key: null, dtls: null }));
      await until(() => closed(honest, victim.id), 'refused');
      impostor.transport.destroy();
      honest.events.length = 0;
    }
    expect(honest.refused.map(([, reason]) => reason)).toEqual(['id-mismatch', 'bad-signature']);
    const real = bee(network, { identity: victim });
    honest.transport.link(victim.id);
    await until(() => opened(honest, victim.id) && opened(real, honest.identity.id), 'the real bee linked');
  });
});

/** A raw transport the test drives by hand, with rival links (as simple-peer and PeerJS have). */
class ScriptedTransport implements Transport {
  readonly kind = 'memory';
  connectionsCreated = 0;
  readonly sent: Array<{ frame: string; rival: boolean }> = [];
  readonly unlinked: boolean[] = [];
  promoted = 0;
  private readonly listeners = new Listeners<LinkEvent>();
  link(): void {}
  send(_peer: string, frame: string, rival = false): boolean {
    this.sent.push({ frame, rival });
    return true;
  }
  unlink(_peer: string, rival = false): void {
    this.unlinked.push(rival);
  }
  promote(peer: string): void {
    this.promoted++;
    this.emit({ type: 'closed', peer, reason: 'replaced by a new link' });
  }
  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }
  destroy(): void {}
  emit(event: LinkEvent): void {
    this.listeners.emit(event);
  }
  /** The last hello sent on the link or its rival. */
  hello(rival: boolean): string {
    return [...this.sent].reverse().find((s) => s.rival === rival && s.frame.includes('"hello"'))!.frame;
  }
}

describe('a rival link (a new offer while the link is open)', () => {
  /** Our bee with an authenticated link to `far`, over a scripted transport. */
  function linked(far: Identity) {
    const raw = new ScriptedTransport();
    const identity = createIdentity();
    const events: LinkEvent[] = [];
    const refused: Refusal[] = [];
    const transport = new AuthenticatedTransport(raw, { secrets: { identity, colony: COLONY, colonyKey: null }, onRefused: (_, reason) => refused.push(reason) });
    open.push(transport);
    transport.subscribe((event) => events.push(event));
    const farEnd = new LinkHandshake({ identity: far, colony: COLONY, colonyKey: null }, identity.id);
    raw.emit({ type: 'open', peer: far.id });
    const proof = farEnd.receive(raw.hello(false));
    raw.emit({ type: 'frame', peer: far.id, frame: farEnd.hello });
    raw.emit({ type: 'frame', peer: far.id, frame: (proof as { send: string }).send });
    expect(events).toEqual([{ type: 'open', peer: far.id }]);
    return { raw, transport, events, refused, identity };
  }

  it('leaves the link untouched while a rival that cannot prove the bee’s key fails', async () => {
    const far = createIdentity();
    const { raw, transport, events, refused } = linked(far);
    raw.emit({ type: 'open', peer: far.id, rival: true });
    expect(raw.sent.at(-1)).toMatchObject({ rival: true });
    raw.emit({ type: 'frame', peer: far.id, frame: createHelloOf(createIdentity()), rival: true });
    expect(refused).toEqual(['id-mismatch']);
    expect(raw.unlinked).toEqual([true]);
    raw.emit({ type: 'closed', peer: far.id, reason: 'closed here', rival: true });
    // The link still carries frames both ways, and the driver never heard of the rival.
    raw.emit({ type: 'frame', peer: far.id, frame: 'protocol frame' });
    expect(transport.send(far.id, 'reply')).toBe(true);
    await Promise.resolve(); // frames of one task leave together, after it
    expect(raw.sent.at(-1)).toEqual({ frame: 'reply', rival: false });
    expect(events).toEqual([{ type: 'open', peer: far.id }, { type: 'frame', peer: far.id, frame: 'protocol frame' }]);
    expect(raw.promoted).toBe(0);
  });

  it('replaces the link with a rival that proves the bee’s key: the driver sees it close and open', async () => {
    const far = createIdentity();
    const { raw, events, identity } = linked(far);
    raw.emit({ type: 'open', peer: far.id, rival: true });
    const reloaded = new LinkHandshake({ identity: far, colony: COLONY, colonyKey: null }, identity.id);
    const proof = reloaded.receive(raw.hello(true));
    raw.emit({ type: 'frame', peer: far.id, frame: reloaded.hello, rival: true });
    raw.emit({ type: 'frame', peer: far.id, frame: (proof as { send: string }).send, rival: true });
    expect(raw.promoted).toBe(1);
    expect(events.slice(1)).toEqual([
      { type: 'closed', peer: far.id, reason: 'replaced by a new link' },
      { type: 'open', peer: far.id },
    ]);
  });

  it('sends the frames of one task as one message, split again on arrival, and writes them before the link closes', async () => {
    const far = createIdentity();
    const { raw, transport, events } = linked(far);
    const before = raw.sent.length;
    transport.send(far.id, '{"n":1}');
    transport.send(far.id, '{"n":2}');
    expect(raw.sent.length).toBe(before);
    await Promise.resolve();
    expect(raw.sent.slice(before)).toEqual([{ frame: '{"n":1}\n{"n":2}', rival: false }]);
    raw.emit({ type: 'frame', peer: far.id, frame: '{"n":3}\n{"n":4}' });
    expect(events.slice(1)).toEqual([
      { type: 'frame', peer: far.id, frame: '{"n":3}' },
      { type: 'frame', peer: far.id, frame: '{"n":4}' },
    ]);
    transport.send(far.id, '{"bye":true}');
    transport.unlink(far.id);
    expect(raw.sent.at(-1)).toEqual({ frame: '{"bye":true}', rival: false });
  });
});

function createHelloOf(identity: Identity): string {
  return JSON.stringify({ t: 'hello', v: HANDSHAKE_VERSION, pub: bytesToBase64url(identity.publicKey), nonce: bytesToBase64url(randomBytes(32)), sealed: false, share: null });
}
