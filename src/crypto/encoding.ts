// Text forms of keys and signatures for JSON (storage, wire). Encoding reuses noble's bytesToHex;
// decoding is strict and total: it returns null instead of throwing, and accepts only the one
// canonical spelling of each byte string, so two different strings never carry the same bytes.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex };

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;
// RFC 4648 §5 alphabet, unpadded.
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Lowercase hex to bytes; null unless well-formed (and exactly `lengthBytes` long, if given). */
export function hexToBytesOrNull(text: unknown, lengthBytes?: number): Uint8Array | null {
  if (typeof text !== 'string' || !LOWER_HEX.test(text)) return null;
  if (lengthBytes !== undefined && text.length !== lengthBytes * 2) return null;
  return hexToBytes(text);
}

/** Unpadded base64url (RFC 4648 §5). */
export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Unpadded base64url to bytes; null unless canonical (and exactly `lengthBytes` long, if given). */
export function base64urlToBytes(text: unknown, lengthBytes?: number): Uint8Array | null {
  // A length of 1 mod 4 encodes no whole byte; atob would throw on it.
  if (typeof text !== 'string' || !BASE64URL.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (lengthBytes !== undefined && bytes.length !== lengthBytes) return null;
  // Nonzero unused trailing bits decode to the same bytes as the canonical spelling: refuse them.
  return bytesToBase64url(bytes) === text ? bytes : null;
}
