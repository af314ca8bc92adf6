// Text forms of keys and signatures for JSON (storage, wire). Encoding reuses noble's bytesToHex;
// decoding is strict and total: it returns null instead of throwing, and accepts only the one
// canonical spelling of each byte string, so two different strings never carry the same bytes.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex };

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex to bytes; null unless well-formed (and exactly `lengthBytes` long, if given). */
export function hexToBytesOrNull(text: unknown, lengthBytes?: number): Uint8Array | null {
  if (typeof text !== 'string' || !LOWER_HEX.test(text)) return null;
  if (lengthBytes !== undefined && text.length !== lengthBytes * 2) return null;
  return hexToBytes(text);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each character code's 6 bits, or -1 outside the alphabet. */
const SEXTETS = Int8Array.from({ length: 128 }, (_, code) => ALPHABET.indexOf(String.fromCharCode(code)));

/** Unpadded base64url (RFC 4648 §5). */
export function bytesToBase64url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) text += ALPHABET[(chunk >> (18 - 6 * c)) & 63];
  }
  return text;
}

/**
 * Whether `text` is the one canonical unpadded base64url spelling of some bytes (of exactly
 * `lengthBytes`, if given), without decoding it: the last character's unused bits must be zero.
 */
export function isBase64url(text: unknown, lengthBytes?: number): text is string {
  if (typeof text !== 'string') return false;
  // A length of 1 mod 4 encodes no whole byte.
  if (text.length % 4 === 1) return false;
  if (lengthBytes !== undefined && text.length !== Math.ceil((lengthBytes * 4) / 3)) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || SEXTETS[code]! < 0) return false;
  }
  // Nonzero unused trailing bits decode to the same bytes as the canonical spelling: refuse them.
  const unusedBits = [0, 0, 4, 2][text.length % 4]!;
  return unusedBits === 0 || (SEXTETS[text.charCodeAt(text.length - 1)]! & ((1 << unusedBits) - 1)) === 0;
}

/** Unpadded base64url to bytes; null unless canonical (and exactly `lengthBytes` long, if given). */
export function base64urlToBytes(text: unknown, lengthBytes?: number): Uint8Array | null {
  if (!isBase64url(text, lengthBytes)) return null;
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let held = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    held = (held << 6) | SEXTETS[text.charCodeAt(i)]!;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (held >> bits) & 0xff;
    }
  }
  return bytes;
}
