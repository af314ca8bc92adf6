// Randomness that works on a plain-http LAN origin: crypto.getRandomValues exists in insecure
// contexts, while crypto.subtle and crypto.randomUUID do not. Everything in src/crypto/ draws its
// randomness through a RandomSource, so tests can inject a deterministic one.

/** Fills `bytes` with random values, like crypto.getRandomValues. */
export type RandomSource = (bytes: Uint8Array<ArrayBuffer>) => unknown;

// WebCrypto refuses more than 65,536 bytes per getRandomValues call (QuotaExceededError).
const GET_RANDOM_VALUES_MAX_BYTES = 65_536;

/**
 * The platform CSPRNG. A wrapper rather than `crypto.getRandomValues` itself: browsers throw
 * "Illegal invocation" when the method is called detached from `crypto`.
 */
export const systemRandom: RandomSource = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** `lengthBytes` fresh random bytes, any length (filled in quota-sized chunks). */
export function randomBytes(lengthBytes: number, random: RandomSource = systemRandom): Uint8Array {
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 0) {
    throw new RangeError(`randomBytes: expected a byte count, got ${lengthBytes}`);
  }
  const bytes = new Uint8Array(lengthBytes);
  for (let offset = 0; offset < lengthBytes; offset += GET_RANDOM_VALUES_MAX_BYTES) {
    random(bytes.subarray(offset, Math.min(offset + GET_RANDOM_VALUES_MAX_BYTES, lengthBytes)));
  }
  return bytes;
}
