// Link authentication, one link at a time: before any protocol frame crosses a new link, each end
// proves that it holds the key its bee id hashes from, and (in a passphrase colony) that it knows
// the colony key. Pure: no I/O and no timers; AuthenticatedTransport feeds it frames.
//
//   both ends, at once:  hello {pub, nonce, sealed}
//   on the far hello:    proof {sig, key, dtls}
//     sig = Ed25519 over {colony, from, to, both nonces, dtls} for purpose 'link'
//     key = HMAC join proof of the far nonce and our id (passphrase colonies only)
//     dtls = [our DTLS fingerprints, the far end's] as our SDP states them (channel binding)
//
// Fresh nonces on both sides make every proof good for this one link only; the ids, the colony
// and the purpose inside the signature make it good for nothing else. The fingerprints make it
// good for this DTLS connection only: whoever relays the SDP (the signaling server) and swaps in
// certificates of its own to sit in the middle sees its proofs fail.

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { signFields, verifyFields } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, type Identity } from '../crypto/identity';
import { checkJoinProof, JOIN_CHALLENGE_BYTES, joinProof } from '../crypto/passphrase';
import { randomBytes, systemRandom, type RandomSource } from '../crypto/random';
import type { LinkFingerprints } from '../net/transport';

export const HANDSHAKE_VERSION = 1;
const NONCE_BYTES = JOIN_CHALLENGE_BYTES;
const JOIN_PROOF_BYTES = 32;

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
}

/** [the signer's own fingerprints, the far end's], as the signer's connection states them. */
type Dtls = [own: string, far: string] | null;

export interface Proof {
  t: 'proof';
  sig: string;
  /** base64url join proof, or null in an open colony. */
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
] as const;
export type Refusal = (typeof REFUSALS)[number];

export type Step = { send: string } | { authenticated: true } | { refused: Refusal };

interface FarHello {
  publicKey: Uint8Array;
  nonce: Uint8Array;
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
  if (m.t === 'hello' && m.v === HANDSHAKE_VERSION && typeof m.pub === 'string' && typeof m.nonce === 'string' && typeof m.sealed === 'boolean') {
    return { t: 'hello', v: HANDSHAKE_VERSION, pub: m.pub, nonce: m.nonce, sealed: m.sealed };
  }
  if (m.t === 'proof' && typeof m.sig === 'string' && (m.key === null || typeof m.key === 'string') && isDtls(m.dtls)) {
    return { t: 'proof', sig: m.sig, key: m.key, dtls: m.dtls };
  }
  return null;
}

/** The fields a link proof signs: who proves to whom, in which colony, on which pair of nonces. */
const linkFields = (colony: string, from: string, to: string, fromNonce: Uint8Array, toNonce: Uint8Array, dtls: Dtls) => ({
  c: colony,
  from,
  to,
  nonces: [bytesToBase64url(fromNonce), bytesToBase64url(toNonce)],
  dtls,
});

/** One link's handshake, from this bee's side. */
export class LinkHandshake {
  /** The first frame to send, as soon as the link opens. */
  readonly hello: string;
  private readonly nonce: Uint8Array;
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
    this.hello = JSON.stringify({
      t: 'hello',
      v: HANDSHAKE_VERSION,
      pub: bytesToBase64url(secrets.identity.publicKey),
      nonce: bytesToBase64url(this.nonce),
      sealed: secrets.colonyKey !== null,
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
    if (hello.sealed !== (this.secrets.colonyKey !== null)) return { refused: 'passphrase-mismatch' };
    this.far = { publicKey, nonce };
    const { identity, colony, colonyKey } = this.secrets;
    const dtls = ownDtls(this.fingerprints());
    const proof: Proof = {
      t: 'proof',
      sig: signFields(identity, 'link', linkFields(colony, identity.id, this.peer, this.nonce, nonce, dtls)),
      key: colonyKey === null ? null : bytesToBase64url(joinProof(colonyKey, nonce, identity.id)),
      dtls,
    };
    return { send: JSON.stringify(proof) };
  }

  private onProof(proof: Proof, far: FarHello): Step {
    const { identity, colony, colonyKey } = this.secrets;
    const fields = linkFields(colony, this.peer, identity.id, far.nonce, this.nonce, proof.dtls);
    if (!verifyFields(far.publicKey, 'link', fields, proof.sig)) return { refused: 'bad-signature' };
    // The far end's own fingerprints are our remote ones, and its remote ones our own.
    const mine = ownDtls(this.fingerprints());
    if (JSON.stringify(proof.dtls) !== JSON.stringify(mine && [mine[1], mine[0]])) return { refused: 'channel-mismatch' };
    if (colonyKey !== null) {
      const key = base64urlToBytes(proof.key, JOIN_PROOF_BYTES);
      if (key === null || !checkJoinProof(colonyKey, this.nonce, this.peer, key)) return { refused: 'wrong-passphrase' };
    }
    this.done = true;
    this.dtlsBound = mine !== null;
    return { authenticated: true };
  }
}
