// Link authentication, one link at a time: before any protocol frame crosses a new link, each end
// proves that it holds the key its bee id hashes from, and (in a passphrase colony) that it knows
// the colony key, through a PAKE that gives a bee without it nothing to test guesses against.
// Pure: no I/O and no timers; AuthenticatedTransport feeds it frames.
//
//   both ends, at once:  hello {pub, nonce, sealed, share}
//   on the far hello:    proof {sig, key, dtls}
//     share = CPace share Y = y·g, g derived from the colony key and both bee ids (passphrase
//             colonies only; see crypto/cpace.ts)
//     sig   = Ed25519 over {colony, from, to, both nonces, dtls, both shares} for purpose 'link'
//     key   = HMAC key confirmation under the CPace session key, over {from, to, dtls}
//             (passphrase colonies only)
//     dtls  = [our DTLS fingerprints, the far end's] as our SDP states them (channel binding)
//
// Fresh nonces and shares on both sides make every proof good for this one link only; the ids,
// the colony and the purpose inside the signature make it good for nothing else. The
// fingerprints make it good for this DTLS connection only: whoever relays the SDP (the signaling
// server) and swaps in certificates of its own to sit in the middle sees its proofs fail. The
// signature covers both shares, and the session key covers both ids, nonces and shares, so the
// identities, the PAKE run and the DTLS connection are one session.
//
// What an outsider (a wrong passphrase) gets: the far share, a signature over public values, and
// a key confirmation under a session key that depends on the far end's secret scalar and on the
// generator of the *true* passphrase. It can compute that key only for the one generator it built
// its own share from: one online guess per handshake, nothing to test offline.

import { equalBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { signFields, verifyFields } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, type Identity } from '../crypto/identity';
import type { CpaceShare } from '../crypto/cpace';
import { passphraseCrypto } from '../crypto/passphrase-crypto';
import { randomBytes, systemRandom, type RandomSource } from '../crypto/random';
import type { LinkFingerprints } from '../net/transport';

/** 2: the PAKE share in the hello and key confirmation in the proof (1 had an HMAC join proof). */
export const HANDSHAKE_VERSION = 2;
const NONCE_BYTES = 32;
const CONFIRMATION_BYTES = 32;
// Domain labels: the CPace channel (with the colony and both ids, so a run is good for this pair
// only) and the key-confirmation key derived from CPace's session key.
const CHANNEL_LABEL = 'hivemesh/v2 link';
const CONFIRMATION_INFO = 'hivemesh/v2 link-confirm';

/** What this bee proves on every link. */
export interface LinkSecrets {
  identity: Identity;
  colony: string;
  /** The colony key derived from the passphrase, or null in an open colony. */
  colonyKey: Uint8Array | null;
}

export interface Hello {
  t: 'hello';
  v: typeof HANDSHAKE_VERSION;
  /** base64url Ed25519 public key; its hash must be the id the far end knows us by. */
  pub: string;
  /** base64url, 32 fresh random bytes. */
  nonce: string;
  /** Whether this bee is in a passphrase colony (so a mismatch gets a clear reason). */
  sealed: boolean;
  /** base64url CPace share in a passphrase colony, else null. */
  share: string | null;
}

/** [the signer's own fingerprints, the far end's], as the signer's connection states them. */
type Dtls = [own: string, far: string] | null;

export interface Proof {
  t: 'proof';
  sig: string;
  /** base64url key confirmation under the PAKE's session key, or null in an open colony. */
  key: string | null;
  /** The fingerprints signed, so a mismatch can be told from a bad signature; null without DTLS. */
  dtls: Dtls;
}

/** Why a link was refused; machine-readable, shown and counted as they are. */
export const REFUSALS = [
  /** Not a handshake frame, out of order, or a protocol frame before authentication. */
  'bad-handshake',
  /** The public key does not hash to the id the far end claims. */
  'id-mismatch',
  'bad-signature',
  /** One end has a passphrase and the other has none. */
  'passphrase-mismatch',
  'wrong-passphrase',
  /** Both proved their keys, but over different DTLS connections: someone sits in the middle. */
  'channel-mismatch',
  /** No complete handshake in time. */
  'timeout',
  /** Refused before any handshake: the driver does not admit this bee (e.g. it was evicted). */
  'banned',
  /** Refused before any handshake: this bee failed the passphrase too often lately (guess-limit.ts). */
  'too-many-guesses',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export type Step = { send: string } | { authenticated: true } | { refused: Refusal };

interface FarHello {
  publicKey: Uint8Array;
  nonce: Uint8Array;
  /** The far end's CPace share and the session key it gives, in a passphrase colony. */
  pake: { share: Uint8Array; sessionKey: Uint8Array } | null;
}

const isDtls = (v: unknown): v is Dtls =>
  v === null || (Array.isArray(v) && v.length === 2 && v.every((part) => typeof part === 'string' && part.length <= 1024));

/** What this end's connection says, in the order its own proof signs it. */
const ownDtls = (fingerprints: LinkFingerprints | null): Dtls => (fingerprints ? [fingerprints.local, fingerprints.remote] : null);

function parse(raw: string): Hello | Proof | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (
    m.t === 'hello' &&
    m.v === HANDSHAKE_VERSION &&
    typeof m.pub === 'string' &&
    typeof m.nonce === 'string' &&
    typeof m.sealed === 'boolean' &&
    (m.share === null || typeof m.share === 'string')
  ) {
    return { t: 'hello', v: HANDSHAKE_VERSION, pub: m.pub, nonce: m.nonce, sealed: m.sealed, share: m.share };
  }
  if (m.t === 'proof' && typeof m.sig === 'string' && (m.key === null || typeof m.key === 'string') && isDtls(m.dtls)) {
    return { t: 'proof', sig: m.sig, key: m.key, dtls: m.dtls };
  }
  return null;
}

/** The two ends of a link in a fixed order (CPace's initiator first): the smaller bee id. */
const ordered = <T>(self: string, peer: string, own: T, far: T): [T, T] => (self < peer ? [own, far] : [far, own]);

/**
 * The fields a link proof signs: who proves to whom, in which colony, on which pair of nonces,
 * over which DTLS connection, with which PAKE shares (null in an open colony).
 */
const linkFields = (colony: string, from: string, to: string, fromNonce: Uint8Array, toNonce: Uint8Array, dtls: Dtls, shares: [Uint8Array, Uint8Array] | null) => ({
  c: colony,
  from,
  to,
  nonces: [bytesToBase64url(fromNonce), bytesToBase64url(toNonce)],
  dtls,
  shares: shares && shares.map((share) => bytesToBase64url(share)),
});

/** Key confirmation from `from` to `to`: whoever sends it holds the PAKE's session key. */
function confirmation(sessionKey: Uint8Array, from: string, to: string, dtls: Dtls): Uint8Array {
  const key = hkdf(sha256, sessionKey, undefined, utf8ToBytes(CONFIRMATION_INFO), CONFIRMATION_BYTES);
  return hmac(sha256, key, utf8ToBytes(JSON.stringify([from, to, dtls])));
}

/** This end's CPace share for a link between `ends` (in order) of a passphrase colony. */
function startPake(colonyKey: Uint8Array, colony: string, ends: [string, string], random: RandomSource): CpaceShare {
  const { cpaceGenerator, cpaceStart, lengthValues, pakeSecret } = passphraseCrypto();
  const channel = lengthValues(...[CHANNEL_LABEL, colony, ...ends].map(utf8ToBytes));
  return cpaceStart(cpaceGenerator(pakeSecret(colonyKey), channel), random);
}

/** One link's handshake, from this bee's side. */
export class LinkHandshake {
  /** The first frame to send, as soon as the link opens. */
  readonly hello: string;
  private readonly nonce: Uint8Array;
  /** This end's CPace scalar and share, in a passphrase colony. */
  private readonly pake: CpaceShare | null;
  private far: FarHello | null = null;
  private done = false;
  private dtlsBound = false;

  constructor(
    private readonly secrets: LinkSecrets,
    /** The bee id the transport knows the far end by. */
    readonly peer: string,
    /** This end's view of the link's DTLS fingerprints, read when needed (null without DTLS). */
    private readonly fingerprints: () => LinkFingerprints | null = () => null,
    random: RandomSource = systemRandom,
  ) {
    this.nonce = randomBytes(NONCE_BYTES, random);
    const { identity, colony, colonyKey } = secrets;
    this.pake = colonyKey === null ? null : startPake(colonyKey, colony, ordered(identity.id, peer, identity.id, peer), random);
    this.hello = JSON.stringify({
      t: 'hello',
      v: HANDSHAKE_VERSION,
      pub: bytesToBase64url(identity.publicKey),
      nonce: bytesToBase64url(this.nonce),
      sealed: colonyKey !== null,
      share: this.pake && bytesToBase64url(this.pake.share),
    } satisfies Hello);
  }

  get authenticated(): boolean {
    return this.done;
  }

  /** Whether the proofs were bound to the link's DTLS connection (transports with DTLS). */
  get bound(): boolean {
    return this.dtlsBound;
  }

  /** Feeds one frame from the far end; says what to send next, or that the link is good or refused. */
  receive(raw: string): Step {
    const message = this.done ? null : parse(raw);
    if (message?.t === 'hello' && this.far === null) return this.onHello(message);
    if (message?.t === 'proof' && this.far !== null) return this.onProof(message, this.far);
    return { refused: 'bad-handshake' };
  }

  private onHello(hello: Hello): Step {
    const publicKey = base64urlToBytes(hello.pub, PUBLIC_KEY_BYTES);
    const nonce = base64urlToBytes(hello.nonce, NONCE_BYTES);
    if (publicKey === null || nonce === null) return { refused: 'bad-handshake' };
    if (idOf(publicKey) !== this.peer) return { refused: 'id-mismatch' };
    if (hello.sealed !== (this.pake !== null)) return { refused: 'passphrase-mismatch' };
    const own = this.pake;
    const pake = own && this.agree(own, hello.share, nonce);
    if (own && !pake) return { refused: 'bad-handshake' };
    this.far = { publicKey, nonce, pake };
    const { identity, colony } = this.secrets;
    const dtls = ownDtls(this.fingerprints());
    const proof: Proof = {
      t: 'proof',
      sig: signFields(identity, 'link', linkFields(colony, identity.id, this.peer, this.nonce, nonce, dtls, own && pake ? [own.share, pake.share] : null)),
      key: pake && bytesToBase64url(confirmation(pake.sessionKey, identity.id, this.peer, dtls)),
      dtls,
    };
    return { send: JSON.stringify(proof) };
  }

  /** The far share and the session key it gives, or null for a share that is no valid point. */
  private agree(own: CpaceShare, encoded: string | null, farNonce: Uint8Array): FarHello['pake'] {
    const pake = passphraseCrypto();
    const share = base64urlToBytes(encoded, pake.CPACE_SHARE_BYTES);
    const secret = share && pake.cpaceSecret(own.scalar, share);
    if (!share || !secret) return null;
    const [a, b] = ordered(this.secrets.identity.id, this.peer, { share: own.share, data: this.nonce }, { share, data: farNonce });
    return { share, sessionKey: pake.cpaceSessionKey(secret, a, b) };
  }

  private onProof(proof: Proof, far: FarHello): Step {
    const { identity, colony } = this.secrets;
    const shares: [Uint8Array, Uint8Array] | null = far.pake && this.pake ? [far.pake.share, this.pake.share] : null;
    const fields = linkFields(colony, this.peer, identity.id, far.nonce, this.nonce, proof.dtls, shares);
    if (!verifyFields(far.publicKey, 'link', fields, proof.sig)) return { refused: 'bad-signature' };
    // The far end's own fingerprints are our remote ones, and its remote ones our own.
    const mine = ownDtls(this.fingerprints());
    if (JSON.stringify(proof.dtls) !== JSON.stringify(mine && [mine[1], mine[0]])) return { refused: 'channel-mismatch' };
    if (far.pake !== null) {
      const key = base64urlToBytes(proof.key, CONFIRMATION_BYTES);
      // Constant time: a timing side channel must not reveal the confirmation byte by byte.
      if (key === null || !equalBytes(key, confirmation(far.pake.sessionKey, this.peer, identity.id, proof.dtls))) return { refused: 'wrong-passphrase' };
    }
    this.done = true;
    this.dtlsBound = mine !== null;
    return { authenticated: true };
  }
}
