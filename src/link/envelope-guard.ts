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

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { signFields, verifyFields } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type Identity } from '../crypto/identity';
import { remember } from '../hive/bounded';
import { MAX_PAYLOAD_BYTES, parseFrameValue, type Envelope, type Frame } from '../hive/frames';
import { MAX_FRAME_BYTES } from '../net/transport';
import { REPLAY_GRACE_MS, ReplayWindows } from './replay-window';

/** What an envelope carries to prove its origin. */
export interface EnvelopeAuth {
  /** base64url Ed25519 public key of the origin; must hash to `from`. */
  pub: string;
  /** Per origin, never reused: microseconds of the origin's clock, or one more than the last. */
  seq: number;
  /** base64url signature of signedFields(). */
  sig: string;
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
  duplicates: number;
  forged: number;
  replayed: number;
  unsigned: number;
  oversized: number;
  /**
   * Relayed envelopes whose auth was no longer at hand, own ones that could not be signed (or
   * over MAX_PAYLOAD_BYTES), and any frame over MAX_FRAME_BYTES: none of them sent.
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
}

/** Envelopes checked and not yet relayed: a relay sends the same auth and payload on. */
const RELAY_CACHE = 4096;
/** Own envelopes: the protocol sends one envelope to several links; it is signed once. */
const OWN_CACHE = 1024;

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

function parseAuth(value: unknown): { auth: EnvelopeAuth; publicKey: Uint8Array } | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  if (typeof a.pub !== 'string' || typeof a.sig !== 'string' || !Number.isSafeInteger(a.seq) || (a.seq as number) < 0) return null;
  const publicKey = base64urlToBytes(a.pub, PUBLIC_KEY_BYTES);
  if (publicKey === null || base64urlToBytes(a.sig, SIGNATURE_BYTES) === null) return null;
  return { auth: { pub: a.pub, seq: a.seq as number, sig: a.sig }, publicKey };
}

export class EnvelopeGuard {
  readonly counters: GuardCounters = { signed: 0, signMs: 0, verified: 0, verifyMs: 0, duplicates: 0, forged: 0, replayed: 0, unsigned: 0, oversized: 0, unsendable: 0 };
  private readonly pub: string;
  private readonly now: () => number;
  private readonly windows = new ReplayWindows();
  private readonly relayable = new Map<string, { auth: EnvelopeAuth; p: unknown }>();
  private readonly own = new Map<string, EnvelopeAuth>();
  private lastSeq = 0;

  constructor(
    private readonly identity: Identity,
    private readonly colony: string,
    private readonly options: GuardOptions = {},
  ) {
    this.pub = bytesToBase64url(identity.publicKey);
    this.now = options.now ?? Date.now;
  }

  /**
   * The wire form of a frame this bee sends: its own envelopes signed, relayed ones with their
   * origin's auth and payload exactly as checked. Null (and counted) when it cannot be sent,
   * never a frame over MAX_FRAME_BYTES: its receiver would hold it against this bee.
   */
  encode(frame: Frame): string | null {
    const wire = this.wireForm(frame, MAX_PAYLOAD_BYTES);
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

  private wireForm(frame: Frame, maxPayloadBytes: number): string | null {
    if (frame.t !== 'env') return JSON.stringify(frame);
    if (frame.from === this.identity.id) {
      const auth = this.own.get(frame.id) ?? (payloadBytes(frame.p) <= maxPayloadBytes ? this.sign(frame) : null);
      return auth && JSON.stringify({ ...frame, auth });
    }
    const checked = this.relayable.get(frame.id);
    return checked ? JSON.stringify({ ...frame, p: checked.p, auth: checked.auth }) : null;
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
    else {
      this.counters[verdict]++;
      this.options.onDropped?.(peer, verdict, frame.from);
    }
    return { dropped: verdict, origin: frame.from };
  }

  private checkEnvelope(peer: string, env: Envelope, raw: { p: unknown; auth?: unknown }): Exclude<Dropped, 'malformed'> | null {
    const parsed = parseAuth(raw.auth);
    // Our own come back with the ids we sent them under; under another id, and signed (seq is our
    // clock in µs) longer ago than a flood takes, they are replayed.
    if (env.from === this.identity.id) {
      const late = parsed !== null && this.now() - parsed.auth.seq / 1000 > REPLAY_GRACE_MS;
      return this.own.has(env.id) || !late ? 'duplicate' : 'replayed';
    }
    if (!parsed) return 'unsigned';
    const { auth, publicKey } = parsed;
    if (idOf(publicKey) !== env.from) return 'forged';
    // The sender is the route's last bee (the link is authenticated), the origin its first.
    if (env.route[0] !== env.from || env.route.at(-1) !== peer) return 'forged';
    const seen = this.windows.check(env.from, auth.seq, env.id, this.now());
    // Another copy of one already verified, cheaply: the same signature cannot cover another TTL,
    // so a copy whose ttl and route add up to a different one was changed on the way.
    if (seen !== 'new') {
      const signed = this.windows.signedTtl(env.from, auth.seq);
      return signed === undefined || signed === signedTtl(env) ? seen : 'forged';
    }
    const started = performance.now();
    const good = verifyFields(publicKey, 'envelope', signedFields(this.colony, env, raw.p, auth.seq), auth.sig);
    this.counters.verifyMs += performance.now() - started;
    this.counters.verified++;
    if (!good) return 'forged';
    this.windows.record(env.from, auth.seq, env.id, this.now(), signedTtl(env));
    // Signed, so its signer chose the size: charged to it, and never passed on.
    if (payloadBytes(raw.p) > MAX_PAYLOAD_BYTES) return 'oversized';
    remember(this.relayable, env.id, { auth, p: raw.p }, RELAY_CACHE);
    return null;
  }

  private sign(env: Envelope): EnvelopeAuth | null {
    const seq = Math.max(this.lastSeq + 1, this.now() * 1000);
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
