// Message bodies in a passphrase colony: sealed (XChaCha20-Poly1305 under the colony key) by the
// sender before they enter the protocol, opened by the receiver after delivery. Relays, queens
// included, carry them as opaque strings; the signaling server never sees them at all (data
// travels over the links), and a bee without the key cannot link in the first place.

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { passphraseCrypto } from '../crypto/passphrase-crypto';

/** A body as it travels in a passphrase colony. */
export interface SealedBody {
  sealed: string;
}

export function sealBody(colonyKey: Uint8Array, body: unknown): SealedBody {
  return { sealed: bytesToBase64url(passphraseCrypto().seal(colonyKey, new TextEncoder().encode(JSON.stringify(body)))) };
}

/** The body inside `value`, or null if it is not a body sealed under this key. */
export function openBody(colonyKey: Uint8Array, value: unknown): { body: unknown } | null {
  if (typeof value !== 'object' || value === null) return null;
  const bytes = base64urlToBytes((value as Partial<SealedBody>).sealed);
  const plain = bytes && passphraseCrypto().open(colonyKey, bytes);
  if (!plain) return null;
  try {
    return { body: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)) as unknown };
  } catch {
    return null;
  }
}
