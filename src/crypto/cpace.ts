// CPace over ristretto255 with SHA-512 (draft-irtf-cfrg-cpace, "CPaceRistretto255"): a balanced
// PAKE. Both ends derive a generator from the shared password-related string (PRS) and send
// Y = y·g for a fresh secret scalar y; each computes K = y·Y_far. The ends agree on K only if
// they derived the same generator, and a transcript tells an outsider nothing it can test a
// guess against offline: checking a password would need the discrete log between two
// generators. Each run therefore tests at most the one guess the outsider committed to in its Y.
// Checked against the draft's test vectors (cpace.test.ts). Pure JS (@noble), no crypto.subtle.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { randomBytes, systemRandom, type RandomSource } from './random';

const Point = ristretto255.Point;
type Point = InstanceType<typeof Point>;
/** A generator as the handshake uses it (noble's point class cannot be named in declarations). */
export interface CpaceGenerator {
  multiply(scalar: bigint): { toBytes(): Uint8Array };
  toBytes(): Uint8Array;
}

export const CPACE_SHARE_BYTES = 32;
const DSI = utf8ToBytes('CPaceRistretto255');
const DSI_ISK = utf8ToBytes('CPaceRistretto255_ISK');
/** SHA-512's input block: the generator string pads the PRS to fill the first block. */
const HASH_BLOCK_BYTES = 128;
/**
 * Scalars are sampled as 64 random bytes reduced modulo the group order: the bias is below
 * 2^-250, and every scalar in [1, order) is possible.
 */
const SCALAR_SAMPLE_BYTES = 64;

/** LEB128 length, then the bytes (the draft's prepend_len). */
function prependLength(bytes: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = bytes.length;
  while (n >= 128) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return concatBytes(Uint8Array.from(length), bytes);
}

/** The draft's lv_cat: each part with its length in front, so no two lists concatenate alike. */
export const lengthValues = (...parts: Uint8Array[]): Uint8Array => concatBytes(...parts.map(prependLength));

/** The generator every bee with this PRS, channel and session derives (calculate_generator). */
export function cpaceGenerator(prs: Uint8Array, channel: Uint8Array, session: Uint8Array = new Uint8Array(0)): CpaceGenerator {
  const zeroPadding = Math.max(0, HASH_BLOCK_BYTES - prependLength(prs).length - prependLength(DSI).length - 1);
  const generatorString = lengthValues(DSI, prs, new Uint8Array(zeroPadding), channel, session);
  return ristretto255_hasher.deriveToCurve!(sha512(generatorString));
}

export interface CpaceShare {
  /** This end's secret scalar: never leaves this object. */
  readonly scalar: bigint;
  /** Y = scalar·g, sent to the far end. */
  readonly share: Uint8Array;
}

/** A fresh scalar and the share to send. */
export function cpaceStart(generator: CpaceGenerator, random: RandomSource = systemRandom): CpaceShare {
  let scalar = 0n;
  while (scalar === 0n) scalar = Point.Fn.create(bytesToNumberLE(randomBytes(SCALAR_SAMPLE_BYTES, random)));
  return { scalar, share: generator.multiply(scalar).toBytes() };
}

/**
 * K = scalar·far, or null when `far` is no canonical ristretto255 encoding or K is the identity
 * (the draft's scalar_mult_vfy): a far end that sends the identity must not fix the key.
 */
export function cpaceSecret(scalar: bigint, far: Uint8Array): Uint8Array | null {
  let point: Point;
  try {
    point = Point.fromBytes(far);
  } catch {
    return null;
  }
  const k = point.multiply(scalar);
  return k.is0() ? null : k.toBytes();
}

/**
 * The intermediate session key, initiator–responder form: ISK = SHA-512(lv(DSI_ISK, sid, K) ‖
 * lv(Ya, ADa) ‖ lv(Yb, ADb)). Both ends must agree on who is `a` (the initiator).
 */
export function cpaceSessionKey(
  secret: Uint8Array,
  a: { share: Uint8Array; data: Uint8Array },
  b: { share: Uint8Array; data: Uint8Array },
  session: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return sha512(concatBytes(lengthValues(DSI_ISK, session, secret), lengthValues(a.share, a.data), lengthValues(b.share, b.data)));
}
