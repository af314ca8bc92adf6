// Per-pair session keys: two bees agree on a key from their identity keys alone (X25519 between
// the Montgomery forms of their Ed25519 keys), with no round trip, so an origin can authenticate a
// message to one receiver with a MAC (microseconds) instead of a signature (milliseconds). Only
// the two bees can compute the key, so a good MAC proves the message to its receiver, and to
// nobody else: it is no evidence before a third bee (unlike a signature), which is why signatures
// stay for everything many must verify (docs/security.md).
//
// key = HKDF-SHA256(x25519(own, far), salt = colony, info = "hivemesh/v1 pair <ids, sorted>")
// mac = HMAC-SHA256(key, the bytes a signature would cover, purpose 'envelope')

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlToBytes, bytesToBase64url } from './encoding';
import { signedBytes } from './envelope';
import { idOf, type Identity } from './identity';

export const PAIR_KEY_BYTES = 32;
export const MAC_BYTES = 32;

/**
 * The key `own` shares with the bee whose Ed25519 public key is `farPublicKey`, for `colony`;
 * null for a key that is not a usable curve point (a low-order point gives no secret).
 */
export function pairKey(own: Identity, farPublicKey: Uint8Array, colony: string): Uint8Array | null {
  try {
    const shared = x25519.getSharedSecret(ed25519.utils.toMontgomerySecret(own.secretKey), ed25519.utils.toMontgomery(farPublicKey));
    const ids = [own.id, idOf(farPublicKey)].sort().join(' ');
    return hkdf(sha256, shared, utf8ToBytes(colony), utf8ToBytes(`hivemesh/v1 pair ${ids}`), PAIR_KEY_BYTES);
  } catch {
    return null;
  }
}

/** The base64url MAC of `fields` under `key`; throws on fields JSON cannot carry (like signFields). */
export function macFields(key: Uint8Array, fields: object): string {
  return bytesToBase64url(hmac(sha256, key, signedBytes('envelope', fields)));
}

/** Whether `mac` is the MAC of `fields` under `key`, compared in constant time. Never throws. */
export function checkMac(key: Uint8Array, fields: object, mac: unknown): boolean {
  const macBytes = base64urlToBytes(mac, MAC_BYTES);
  if (macBytes === null) return false;
  try {
    return equalBytes(hmac(sha256, key, signedBytes('envelope', fields)), macBytes);
  } catch {
    return false;
  }
}
