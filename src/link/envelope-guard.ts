// Signed envelopes, at the edge between links and the protocol. Every envelope a bee originates
// carries `auth`: its public key, a per-origin sequence number and an Ed25519 signature (purpose
// `envelope`) over what the origin chose — colony, from, to, payload, seq and the TTL it sent —
// and not over what relays change (envelope id, ttl, route). Each hop takes one off ttl and adds
// itself to route, so a receiver recovers the signed TTL as ttl + route.length - 1: a relay that
// raises ttl breaks the signature. Every bee checks each envelope before the protocol sees it, so
// relays verify before relaying and receivers before delivering, and a relay can route but not
// forge: it passes the origin's auth on unchanged, and any change to the signed fields breaks it.
//
// Blame the signer, never the relay. What breaks a rule of the wire (unsigned, forged, a route
// that does not run from the origin to the link it came on, a frame over MAX_FRAME_BYTES) is
// charged to the link it came on: an honest relay checks the same before passing anything on. A
// payload over MAX_PAYLOAD_BYTES whose signature verifies is charged to its signer, and never
// relayed; what a relay accepted it can always pass on within MAX_FRAME_BYTES.
//
// The public key travels in the envelope: a relay may never have met the origin, and since the
// bee id is the hash of the key, a key that hashes to `from` is the only one that can sign for it.
//
// Messages to one bee (data and acks) go with a MAC under the pair key of origin and receiver
// instead (`mac` in place of `sig`, crypto/pair-key.ts), when the origin knows the receiver's key
// and hands the envelope to the receiver itself or to a relay that hands it on directly (its
// queen, for a member of her hive). A relay cannot check such a MAC; the authenticated link it
// came on vouches for it instead, so a relay takes one only straight from its origin (route of
// one) and passes it on only to its receiver: a MAC'd envelope makes at most two hops, and
// everything a relay can check (route, size, sequence number) it checks before passing it on. The
// receiver checks the MAC. A MAC is no evidence before anyone else, so what fails only there, on
// a message that came through a relay (a bad MAC, a replayed seq), is dropped and counted but
// charged to nobody: the origin could have made it to frame the relay, or the relay to frame the
// origin. The first attempt of a message goes MAC'd, every retransmission signed, so a path the
// origin guessed wrong costs one retry, not the message.

import { base64urlToBytes, bytesToBase64url, isBase64url } from '../crypto/encoding';
import { signFields, verifyFields } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Identity } from '../crypto/identity';
import { checkMac, MAC_BYTES, macFields } from '../crypto/pair-key';
import { remember } from '../hive/bounded';
import { MAX_PAYLOAD_BYTES, parseFrameValue, type Envelope, type Frame } from '../hive/frames';
import { MAX_FRAME_BYTES } from '../net/transport';
import { PairKeys } from './pair-keys';
import { REPLAY_GRACE_MS, ReplayWindows } from './replay-window';

/** What an envelope carries to prove its origin. */
export interface EnvelopeAuth {
  /** base64url Ed25519 public key of the origin; must hash to `from`. */
  pub: string;
  /** Per origin, never reused: microseconds of the origin's clock, or one more than the last. */
  seq: number;
  /** base64url signature of signedFields(); absent when `mac` authenticates a unicast instead. */
  sig?: string;
  /** base64url HMAC of signedFields() under the pair key of origin and receiver. */
  mac?: string;
}

/** Why an incoming frame did not reach the protocol. */
export type Dropped =
  /** Not a frame at all (the protocol counts these). */
  | 'malformed'
  /** An envelope without a well-formed auth. */
  | 'unsigned'
  /**
   * The key does not hash to `from`, the signature does not verify (a changed payload, a raised
   * ttl), or the route does not start at the origin and end at the bee it came from.
   */
  | 'forged'
  /** A sequence number its origin already used, under another envelope id. */
  | 'replayed'
  /** Another copy of an envelope already checked (floods arrive on several links), or our own come back. */
  | 'duplicate'
  /** A payload over MAX_PAYLOAD_BYTES under a good signature: its signer's doing, not the link's. */
  | 'oversized';

export type Checked = { frame: Frame } | { dropped: Dropped; origin?: string };

export interface GuardCounters {
  /** Own envelopes signed, and the time it took (ms). */
  signed: number;
  signMs: number;
  /** Envelopes whose signature was checked, and the time it took (ms). */
  verified: number;
  verifyMs: number;
  /** Own envelopes MAC'd, and MAC'd envelopes addressed to this bee that were checked, and the time it took (ms). */
  maced: number;
  macChecked: number;
  macMs: number;
  /** MAC'd envelopes dropped where only their receiver could tell (a bad MAC, a replay, via a relay): charged to nobody. */
  unprovable: number;
  duplicates: number;
  forged: number;
  replayed: number;
  unsigned: number;
  oversized: number;
  /**
   * Relayed envelopes whose auth was no longer at hand, own ones that could not be signed (or
   * over MAX_PAYLOAD_BYTES), MAC'd ones for anyone but their receiver, and any frame over
   * MAX_FRAME_BYTES: none of them sent.
   */
  unsendable: number;
}

export interface GuardOptions {
  now?: () => number;
  /**
   * Told of every envelope dropped for a reason other than a duplicate, with the link it came on
   * and the origin it names (proven only for `oversized`, whose signature verified).
   */
  onDropped?: (peer: string, reason: Exclude<Dropped, 'duplicate' | 'malformed'>, origin: string) => void;
  /**
   * Whether `via`, the next hop, hands an envelope for `to` on directly (this bee's queen, for a
   * member of her hive); `via === to` needs no asking. Without it, MACs go only to neighbours.
   */
  handsTo?: (via: string, to: string) => boolean;
}

/** Envelopes checked and not yet relayed: a relay sends the same auth and payload on. */
const RELAY_CACHE = 4096;
/** Own envelopes: the protocol sends one envelope to several links; it is signed once. */
const OWN_CACHE = 1024;
/** Messages whose first attempt went MAC'd: their retransmissions go signed. */
const MACED_CACHE = 4096;
/** The message path: MAC'd on a first attempt through at most one relay. */
const MESSAGE_KINDS: readonly string[] = ['data', 'ack'];
/**
 * A hive's own business between two bees, read by its receiver alone: MAC'd only when handed
 * straight to it (their seals and ballots, not the envelope, are what others check).
 */
const DIRECT_KINDS: readonly string[] = ['elect', 'vote', 'later', 'members', 'stored', 'breed', 'move'];

/**
 * What an origin signs. Keep in step with the wire: `p` exactly as it travels, and the TTL it
 * sent the envelope with (each hop trades one ttl for one route entry).
 */
const signedFields = (colony: string, env: Pick<Envelope, 'from' | 'to' | 'ttl' | 'route'>, p: unknown, seq: number) => ({
  c: colony,
  from: env.from,
  to: env.to,
  p,
  seq,
  ttl: signedTtl(env),
});

const signedTtl = (env: Pick<Envelope, 'ttl' | 'route'>): number => env.ttl + env.route.length - 1;

/** The payload's size as relays pass it on (JSON.stringify of what was parsed, never the raw text). */
const payloadBytes = (p: unknown): number => JSON.stringify(p).length;

/** A drop only the receiver could see, on a MAC'd envelope that came through a relay: charged to nobody. */
type Unprovable = { unprovable: 'forged' | 'replayed' };

const isMaced = (value: unknown): boolean => typeof (value as { auth?: { mac?: unknown } }).auth?.mac === 'string';

/** Origins' public keys as they travel, decoded and hashed once: most envelopes come from a few bees. */
const KEYS_KEPT = 1024;

interface OriginKey {
  publicKey: Uint8Array;
  /** The bee id the key hashes to. */
  id: string;
}

function parseAuth(value: unknown, keys: Map<string, OriginKey>): { auth: EnvelopeAuth; key: OriginKey } | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  if (typeof a.pub !== 'string' || !Number.isSafeInteger(a.seq) || (a.seq as number) < 0) return null;
  let key = keys.get(a.pub);
  if (key === undefined) {
    const publicKey = base64urlToBytes(a.pub, PUBLIC_KEY_BYTES);
    if (publicKey === null) return null;
    key = { publicKey, id: idOf(publicKey) };
    remember(keys, a.pub, key, KEYS_KEPT);
  }
  // Exactly one of the two, well-formed: a signature, or a MAC.
  if (a.mac === undefined && isBase64url(a.sig, SIGNATURE_BYTES)) return { auth: { pub: a.pub, seq: a.seq as number, sig: a.sig }, key };
  if (a.sig === undefined && isBase64url(a.mac, MAC_BYTES)) return { auth: { pub: a.pub, seq: a.seq as number, mac: a.mac }, key };
  return null;
}

export class EnvelopeGuard {
  readonly counters: GuardCounters = {
    signed: 0, signMs: 0, verified: 0, verifyMs: 0, maced: 0, macChecked: 0, macMs: 0, unprovable: 0,
    duplicates: 0, forged: 0, replayed: 0, unsigned: 0, oversized: 0, unsendable: 0,
  };
  private readonly pub: string;
  private readonly now: () => number;
  private readonly windows = new ReplayWindows();
  private readonly relayable = new Map<string, { auth: EnvelopeAuth; p: unknown }>();
  private readonly own = new Map<string, EnvelopeAuth>();
  private readonly macedMessages = new Map<string, true>();
  private readonly pairKeys: PairKeys;
  private readonly originKeys = new Map<string, OriginKey>();
  private lastSeq = 0;

  constructor(
    private readonly identity: Identity,
    private readonly colony: string,
    private readonly options: GuardOptions = {},
  ) {
    this.pub = bytesToBase64url(identity.publicKey);
    this.now = options.now ?? Date.now;
    this.pairKeys = new PairKeys(identity, colony);
  }

  /**
   * The wire form of a frame this bee sends to `peer`: its own envelopes signed (or MAC'd, see
   * above), relayed ones with their origin's auth and payload exactly as checked. Null (and
   * counted) when it cannot be sent, never a frame over MAX_FRAME_BYTES: its receiver would hold
   * it against this bee. Without `peer` (a rogue writing its own bytes) nothing is MAC'd.
   */
  encode(frame: Frame, peer?: string): string | null {
    const wire = this.wireForm(frame, MAX_PAYLOAD_BYTES, peer);
    if (wire !== null && wire.length <= MAX_FRAME_BYTES) return wire;
    this.counters.unsendable++;
    return null;
  }

  /**
   * An own envelope signed whatever its size: for a bee told to go rogue, whose receivers must
   * catch what an honest guard never sends. Honest code never needs it.
   */
  encodeOverLimits(frame: Frame): string | null {
    return this.wireForm(frame, Infinity);
  }

  private wireForm(frame: Frame, maxPayloadBytes: number, peer?: string): string | null {
    if (frame.t !== 'env') return JSON.stringify(frame);
    if (frame.from === this.identity.id) {
      const auth = this.own.get(frame.id) ?? (payloadBytes(frame.p) <= maxPayloadBytes ? this.authenticate(frame, peer) : null);
      return auth && JSON.stringify({ ...frame, auth });
    }
    const checked = this.relayable.get(frame.id);
    // A MAC'd envelope goes on only to its receiver: nobody further could check where it came from.
    if (!checked || (checked.auth.mac !== undefined && peer !== undefined && peer !== frame.to)) return null;
    return JSON.stringify({ ...frame, p: checked.p, auth: checked.auth });
  }

  /**
   * A MAC for the first attempt of a message to one bee on a path of at most one relay, and for
   * a hive's business handed straight to its receiver; else a signature.
   */
  private authenticate(env: Envelope, peer: string | undefined): EnvelopeAuth | null {
    const { to, p } = env;
    if (peer === undefined || to === null) return this.sign(env);
    const message = MESSAGE_KINDS.includes(p.k) && 'msg' in p ? p.msg : null;
    const maced =
      message !== null
        ? !this.macedMessages.has(message) && (peer === to || (this.options.handsTo?.(peer, to) ?? false))
        : DIRECT_KINDS.includes(p.k) && peer === to;
    if (!maced) return this.sign(env);
    const key = this.pairKeys.with(to);
    if (key === null) return this.sign(env);
    const seq = this.nextSeq();
    const started = performance.now();
    let mac: string;
    try {
      mac = macFields(key, signedFields(this.colony, env, p, seq));
    } catch {
      this.counters.unsendable++;
      return null;
    }
    this.counters.macMs += performance.now() - started;
    this.counters.maced++;
    this.lastSeq = seq;
    if (message !== null) remember(this.macedMessages, message, true, MACED_CACHE);
    const auth: EnvelopeAuth = { pub: this.pub, seq, mac };
    remember(this.own, env.id, auth, OWN_CACHE);
    return auth;
  }

  private nextSeq(): number {
    return Math.max(this.lastSeq + 1, this.now() * 1000);
  }

  /** Parses a frame that arrived from `peer` and checks the envelope's origin, counting what it drops. */
  check(peer: string, raw: string): Checked {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { dropped: 'malformed' };
    }
    const frame = parseFrameValue(value);
    if (!frame) return { dropped: 'malformed' };
    if (frame.t !== 'env') return { frame };
    const verdict = this.checkEnvelope(peer, frame, value as { p: unknown; auth?: unknown });
    if (verdict === null) return { frame };
    if (verdict === 'duplicate') this.counters.duplicates++;
    else if (typeof verdict === 'object') {
      this.counters.unprovable++;
      return { dropped: verdict.unprovable, origin: frame.from };
    } else {
      this.counters[verdict]++;
      // A MAC'd payload over the limit proves nothing of its origin: the link that brought it is
      // the origin itself, or a relay that should have checked the size (see above).
      this.options.onDropped?.(peer, verdict, verdict === 'oversized' && isMaced(value) ? peer : frame.from);
    }
    return { dropped: verdict, origin: frame.from };
  }

  private checkEnvelope(peer: string, env: Envelope, raw: { p: unknown; auth?: unknown }): Exclude<Dropped, 'malformed'> | Unprovable | null {
    const parsed = parseAuth(raw.auth, this.originKeys);
    // Our own come back with the ids we sent them under; under another id, and signed (seq is our
    // clock in µs) longer ago than a flood takes, they are replayed.
    if (env.from === this.identity.id) {
      const late = parsed !== null && this.now() - parsed.auth.seq / 1000 > REPLAY_GRACE_MS;
      return this.own.has(env.id) || !late ? 'duplicate' : 'replayed';
    }
    if (!parsed) return 'unsigned';
    const { auth, key } = parsed;
    if (key.id !== env.from) return 'forged';
    // The sender is the route's last bee (the link is authenticated), the origin its first.
    if (env.route[0] !== env.from || env.route.at(-1) !== peer) return 'forged';
    this.pairKeys.learn(env.from, auth.pub);
    if (auth.mac !== undefined) return this.checkMaced(env, raw.p, auth);
    const seen = this.windows.check(env.from, auth.seq, env.id, this.now());
    // Another copy of one already verified, cheaply: the same signature cannot cover another TTL,
    // so a copy whose ttl and route add up to a different one was changed on the way.
    if (seen !== 'new') {
      const signed = this.windows.signedTtl(env.from, auth.seq);
      return signed === undefined || signed === signedTtl(env) ? seen : 'forged';
    }
    const started = performance.now();
    const good = verifyFields(key.publicKey, 'envelope', signedFields(this.colony, env, raw.p, auth.seq), auth.sig);
    this.counters.verifyMs += performance.now() - started;
    this.counters.verified++;
    if (!good) return 'forged';
    this.windows.record(env.from, auth.seq, env.id, this.now(), signedTtl(env));
    // Signed, so its signer chose the size: charged to it, and never passed on.
    if (payloadBytes(raw.p) > MAX_PAYLOAD_BYTES) return 'oversized';
    remember(this.relayable, env.id, { auth, p: raw.p }, RELAY_CACHE);
    return null;
  }

  /**
   * A MAC'd envelope (see above). A relay takes it only straight from its origin, whose link
   * vouches for it; its receiver checks the MAC, and blames the link only when the link is the
   * origin (a route of one).
   */
  private checkMaced(env: Envelope, p: unknown, auth: EnvelopeAuth): Exclude<Dropped, 'malformed'> | Unprovable | null {
    const forMe = env.to === this.identity.id;
    const direct = env.route.length === 1;
    // A hive's business goes MAC'd only straight to its receiver, so no honest relay passes it on.
    if (env.to === null || !(MESSAGE_KINDS.includes(env.p.k) || (DIRECT_KINDS.includes(env.p.k) && forMe && direct))) return 'unsigned';
    // Honest relays pass a MAC'd envelope only straight from its origin to its receiver.
    if (env.route.length > (forMe ? 2 : 1)) return 'forged';
    if (payloadBytes(p) > MAX_PAYLOAD_BYTES) return 'oversized';
    const seen = this.windows.check(env.from, auth.seq, env.id, this.now());
    if (seen !== 'new') {
      const signed = this.windows.signedTtl(env.from, auth.seq);
      const verdict = signed === undefined || signed === signedTtl(env) ? seen : 'forged';
      return verdict === 'duplicate' || direct ? verdict : { unprovable: verdict };
    }
    if (forMe) {
      const key = this.pairKeys.with(env.from);
      const started = performance.now();
      const good = key !== null && checkMac(key, signedFields(this.colony, env, p, auth.seq), auth.mac);
      this.counters.macMs += performance.now() - started;
      this.counters.macChecked++;
      if (!good) return direct ? 'forged' : { unprovable: 'forged' };
    }
    this.windows.record(env.from, auth.seq, env.id, this.now(), signedTtl(env));
    remember(this.relayable, env.id, { auth, p }, RELAY_CACHE);
    return null;
  }

  private sign(env: Envelope): EnvelopeAuth | null {
    const seq = this.nextSeq();
    const started = performance.now();
    let sig: string;
    try {
      sig = signFields(this.identity, 'envelope', signedFields(this.colony, env, env.p, seq));
    } catch {
      // A body JSON cannot carry faithfully (the driver refuses those before they get here).
      this.counters.unsendable++;
      return null;
    }
    this.counters.signMs += performance.now() - started;
    this.counters.signed++;
    this.lastSeq = seq;
    const auth: EnvelopeAuth = { pub: this.pub, seq, sig };
    remember(this.own, env.id, auth, OWN_CACHE);
    return auth;
  }
}
