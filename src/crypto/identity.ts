// A bee's identity: an Ed25519 key pair (@noble/curves, pure JS, so it works where crypto.subtle
// is missing) and a bee id derived from the public key, so an id cannot be claimed without the
// key that hashes to it.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { base64urlToBytes, bytesToBase64url, bytesToHex } from './encoding';
import { randomBytes, systemRandom, type RandomSource } from './random';

export const PUBLIC_KEY_BYTES = 32;
export const SECRET_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
// 128 bits of the key hash: collisions need ~2^64 work, and 32 hex chars fit the bee-id pattern.
const BEE_ID_BYTES = 16;
const STORED_IDENTITY_VERSION = 1;

export interface Identity {
  /** Lowercase hex of the first 16 bytes of sha256(publicKey). */
  readonly id: string;
  readonly publicKey: Uint8Array;
  /** The 32-byte Ed25519 seed (RFC 8032 private key). */
  readonly secretKey: Uint8Array;
}

/** The JSON-safe form of an identity, for IndexedDB or any other store. */
export interface StoredIdentity {
  readonly v: typeof STORED_IDENTITY_VERSION;
  readonly id: string;
  /** Unpadded base64url. */
  readonly publicKey: string;
  /** Unpadded base64url. */
  readonly secretKey: string;
}

/** The bee id of a public key. */
export function idOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey).subarray(0, BEE_ID_BYTES));
}

export function createIdentity(random: RandomSource = systemRandom): Identity {
  const { secretKey, publicKey } = ed25519.keygen(randomBytes(SECRET_KEY_BYTES, random));
  return { id: idOf(publicKey), publicKey, secretKey };
}

/** The 64-byte Ed25519 signature of `message`. */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/**
 * Whether `signature` is `publicKey`'s signature of `message`. Total: anything malformed (wrong
 * types or lengths, a key that is not a curve point) is false, never an exception, because all
 * three arguments come off the wire.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false;
  if (!(message instanceof Uint8Array)) return false;
  try {
    // Strict RFC 8032 decoding rather than ZIP-215: non-canonical point encodings are refused, so
    // a relayed signature cannot be re-spelled into different bytes that still verify.
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export function serializeIdentity(identity: Identity): StoredIdentity {
  return {
    v: STORED_IDENTITY_VERSION,
    id: identity.id,
    publicKey: bytesToBase64url(identity.publicKey),
    secretKey: bytesToBase64url(identity.secretKey),
  };
}

/**
 * The identity stored as `value`, or null unless it is a well-formed StoredIdentity whose secret
 * key really yields its public key and whose id really is that key's id (catches corruption and
 * records pieced together from two identities).
 */
export function parseIdentity(value: unknown): Identity | null {
  if (typeof value !== 'object' || value === null) return null;
  const stored = value as Partial<Record<keyof StoredIdentity, unknown>>;
  if (stored.v !== STORED_IDENTITY_VERSION) return null;
  const publicKey = base64urlToBytes(stored.publicKey, PUBLIC_KEY_BYTES);
  const secretKey = base64urlToBytes(stored.secretKey, SECRET_KEY_BYTES);
  if (publicKey === null || secretKey === null) return null;
  if (!equalBytes(ed25519.getPublicKey(secretKey), publicKey)) return null;
  const id = idOf(publicKey);
  if (stored.id !== id) return null;
  return { id, publicKey, secretKey };
}
