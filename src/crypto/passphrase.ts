// The optional colony passphrase: a shared key derived from it seals data (AEAD) and lets a bee
// prove it knows the key by challenge-response, without ever sending the passphrase or the key.
// Pure JS (@noble/hashes, @noble/ciphers), so it works where crypto.subtle is missing.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { randomBytes, systemRandom, type RandomSource } from './random';

export const COLONY_KEY_BYTES = 32;
// scrypt, not PBKDF2: memory-hardness makes each guess of a classroom passphrase cost an
// attacker's GPU 32 MiB as well as time. N=2^15, r=8, p=1 uses 128·r·N bytes = 32 MiB and takes
// about 0.25 s on the development machine and in its headless Chromium (bench/crypto.ts); our
// unmeasured estimate for a mid-range phone is ~1 s, once per join. RFC 7914's interactive
// example, N=2^14, halves that if phones struggle.
const SCRYPT_COST_N = 2 ** 15;
const SCRYPT_BLOCK_SIZE_R = 8;
const SCRYPT_PARALLELISM_P = 1;
// A salt must differ per colony but be computable by every bee from what it already has, with no
// server to keep a random one: the colony name, behind an app label so that the same passphrase
// on another app or protocol version gives an unrelated key.
const SALT_LABEL = 'hivemesh/v1 colony-key\n';
// Bounds the work a pasted novel could cost; far above any passphrase a person types.
const PASSPHRASE_MAX_CHARS = 1024;

// Each use gets its own subkey (HKDF), so no byte string is ever keyed both as AEAD and as HMAC.
const SEAL_KEY_INFO = 'hivemesh/v1 seal';
const JOIN_PROOF_KEY_INFO = 'hivemesh/v1 join-proof';
// XChaCha20-Poly1305's 24-byte nonces are safe to pick at random for any number of messages
// under one key (unlike AES-GCM's 12 bytes), so bees need no nonce counter to agree on.
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
export const JOIN_CHALLENGE_BYTES = 32;
const JOIN_PROOF_BYTES = 32;

/**
 * The colony key for `passphrase` in `colony`. Async so the long derivation on a phone yields to
 * the page now and then. The passphrase is NFC-normalized: phones and keyboards may type the same
 * accented letters as different code points.
 */
export async function deriveColonyKey(passphrase: string, colony: string): Promise<Uint8Array> {
  if (passphrase.length === 0 || passphrase.length > PASSPHRASE_MAX_CHARS) {
    throw new RangeError(`deriveColonyKey: the passphrase must have 1 to ${PASSPHRASE_MAX_CHARS} characters`);
  }
  return scryptAsync(utf8ToBytes(passphrase.normalize('NFC')), utf8ToBytes(SALT_LABEL + colony), {
    N: SCRYPT_COST_N,
    r: SCRYPT_BLOCK_SIZE_R,
    p: SCRYPT_PARALLELISM_P,
    dkLen: COLONY_KEY_BYTES,
  });
}

function subkey(colonyKey: Uint8Array, info: string): Uint8Array {
  if (!(colonyKey instanceof Uint8Array) || colonyKey.length !== COLONY_KEY_BYTES) {
    throw new TypeError(`expected a ${COLONY_KEY_BYTES}-byte colony key`);
  }
  return hkdf(sha256, colonyKey, undefined, utf8ToBytes(info), COLONY_KEY_BYTES);
}

/** nonce ‖ ciphertext ‖ tag: `plaintext` encrypted and authenticated under the colony key. */
export function seal(colonyKey: Uint8Array, plaintext: Uint8Array, random: RandomSource = systemRandom): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES, random);
  return concatBytes(nonce, xchacha20poly1305(subkey(colonyKey, SEAL_KEY_INFO), nonce).encrypt(plaintext));
}

/** The plaintext of a `seal` output, or null for a wrong key, tampering or any malformed input. */
export function open(colonyKey: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (!(sealed instanceof Uint8Array) || sealed.length < NONCE_BYTES + TAG_BYTES) return null;
  try {
    const nonce = sealed.subarray(0, NONCE_BYTES);
    return xchacha20poly1305(subkey(colonyKey, SEAL_KEY_INFO), nonce).decrypt(sealed.subarray(NONCE_BYTES));
  } catch {
    return null;
  }
}

/** A fresh challenge for `joinProof`; the verifier makes one per attempt and never reuses it. */
export function createJoinChallenge(random: RandomSource = systemRandom): Uint8Array {
  return randomBytes(JOIN_CHALLENGE_BYTES, random);
}

/**
 * Proof that the bee `proverId` holds the colony key: HMAC-SHA256(join-proof subkey,
 * challenge ‖ proverId). Binding the prover's id stops reflection: a bee without the key cannot
 * pass a verifier's challenge on to a member and replay that member's answer as its own.
 * The fixed challenge length keeps the concatenation unambiguous.
 */
export function joinProof(colonyKey: Uint8Array, challenge: Uint8Array, proverId: string): Uint8Array {
  if (!(challenge instanceof Uint8Array) || challenge.length !== JOIN_CHALLENGE_BYTES) {
    throw new TypeError(`joinProof: expected a ${JOIN_CHALLENGE_BYTES}-byte challenge`);
  }
  return hmac(sha256, subkey(colonyKey, JOIN_PROOF_KEY_INFO), concatBytes(challenge, utf8ToBytes(proverId)));
}

/** Whether `proof` answers `challenge` for `proverId` under the colony key. Never throws. */
export function checkJoinProof(colonyKey: Uint8Array, challenge: Uint8Array, proverId: string, proof: unknown): boolean {
  if (!(proof instanceof Uint8Array) || proof.length !== JOIN_PROOF_BYTES || typeof proverId !== 'string') return false;
  try {
    // Constant-time comparison: a timing side channel must not reveal the proof byte by byte.
    return equalBytes(joinProof(colonyKey, challenge, proverId), proof);
  } catch {
    return false;
  }
}
