import { describe, expect, it } from 'vitest';
import { base64urlToBytes, bytesToBase64url, bytesToHex, hexToBytesOrNull, isBase64url } from './encoding';
import { randomBytes } from './random';

describe('randomBytes', () => {
  it('returns the requested number of bytes, beyond the 64 KiB getRandomValues quota too', () => {
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(32)).toHaveLength(32);
    const big = randomBytes(200_000);
    expect(big).toHaveLength(200_000);
    // The last chunk is filled as well, not left as zeros.
    expect(big.subarray(-64).some((byte) => byte !== 0)).toBe(true);
  });

  it('draws from an injected source', () => {
    expect(randomBytes(4, (bytes) => bytes.fill(7))).toEqual(new Uint8Array([7, 7, 7, 7]));
  });

  it('refuses a length that is not a byte count', () => {
    expect(() => randomBytes(-1)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
  });
});

describe('encoding', () => {
  it('round-trips every length through base64url and hex', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      expect(base64urlToBytes(bytesToBase64url(bytes))).toEqual(bytes);
      expect(hexToBytesOrNull(bytesToHex(bytes))).toEqual(bytes);
    }
  });

  it('writes unpadded base64url with - and _', () => {
    expect(bytesToBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('rejects malformed, non-canonical or wrong-length text with null', () => {
    expect(base64urlToBytes('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
    expect(base64urlToBytes('-_9')).toBeNull(); // same bytes, nonzero unused bits
    expect(base64urlToBytes('+/8')).toBeNull(); // base64, not base64url
    expect(base64urlToBytes('-_8=')).toBeNull(); // padded
    expect(base64urlToBytes('abcde')).toBeNull(); // 1 mod 4
    expect(base64urlToBytes('-_8', 3)).toBeNull();
    expect(base64urlToBytes(42)).toBeNull();
    expect(hexToBytesOrNull('0A')).toBeNull(); // uppercase is not the canonical spelling
    expect(hexToBytesOrNull('abc')).toBeNull();
    expect(hexToBytesOrNull('zz')).toBeNull();
    expect(hexToBytesOrNull('abcd', 3)).toBeNull();
    expect(hexToBytesOrNull(null)).toBeNull();
  });
});

describe('base64url against the platform codec', () => {
  const reference = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

  it('encodes as btoa does, and checks and decodes every spelling of a short length as a round trip would', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      expect(bytesToBase64url(bytes)).toBe(reference(bytes));
    }
    // Every last character after two valid ones: canonical exactly when it re-encodes to itself.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const last of alphabet) {
      const text = `Qk${last}`;
      const decoded = Uint8Array.from(atob(`${text.replace(/-/g, '+').replace(/_/g, '/')}=`), (char) => char.charCodeAt(0));
      const canonical = reference(decoded) === text;
      expect(isBase64url(text)).toBe(canonical);
      expect(base64urlToBytes(text)).toEqual(canonical ? decoded : null);
    }
  });

  it('checks a length without decoding', () => {
    const key = bytesToBase64url(randomBytes(32));
    expect(isBase64url(key, 32)).toBe(true);
    expect(isBase64url(key, 31)).toBe(false);
    expect(isBase64url(`${key.slice(0, -1)}é`, 32)).toBe(false);
    expect(isBase64url(null)).toBe(false);
  });
});
