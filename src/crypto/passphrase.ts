// The optional colony passphrase: a shared key derived from it seals data (AEAD), is the secret a
// link's PAKE runs on (src/link/handshake.ts, src/crypto/cpace.ts), and names the colony on the
// signaling server (subkey.ts), without the passphrase or the key ever leaving the page.
// Pure JS (@noble/hashes, @noble/ciphers), so it works where crypto.subtle is missing. A tab
// loads it only in a passphrase colony (passphrase-crypto.ts).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { randomBytes, systemRandom, type RandomSource } from './random';
import { COLONY_KEY_BYTES, subkey } from './subkey';

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

// Each use gets its own subkey (subkey.ts).
const SEAL_KEY_INFO = 'hivemesh/v1 seal';
const PAKE_SECRET_INFO = 'hivemesh/v1 pake';
// XChaCha20-Poly1305's 24-byte nonces are safe to pick at random for any number of messages
// under one key (unlike AES-GCM's 12 bytes), so bees need no nonce counter to agree on.
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

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

/** The password-related string (PRS) a link's PAKE derives its generator from. */
export function pakeSecret(colonyKey: Uint8Array): Uint8Array {
  return subkey(colonyKey, PAKE_SECRET_INFO);
}
