import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytesOrNull } from './encoding';
import {
  createIdentity, idOf, parseIdentity, serializeIdentity, sign, verify, SIGNATURE_BYTES,
} from './identity';

// The bee-id pattern of src/net/signal-protocol.ts.
const BEE_ID = /^[0-9a-f]{8,64}$/;
const message = new TextEncoder().encode('a 200-byte message, more or less');

describe('identity', () => {
  it('derives the id from the public key: 32 lowercase hex chars, stable, matching the bee-id pattern', () => {
    const bee = createIdentity((bytes) => bytes.fill(1));
    expect(bee.id).toMatch(BEE_ID);
    expect(bee.id).toHaveLength(32);
    expect(bee.id).toBe(idOf(bee.publicKey));
    expect(createIdentity((bytes) => bytes.fill(1)).id).toBe(bee.id);
    expect(createIdentity().id).not.toBe(createIdentity().id);
  });

  it('is standard Ed25519 (RFC 8032 §7.1 test 1)', () => {
    const secretKey = hexToBytesOrNull('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')!;
    const publicKey = hexToBytesOrNull('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')!;
    const signature = sign(secretKey, new Uint8Array(0));
    expect(bytesToHex(signature)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(verify(publicKey, new Uint8Array(0), signature)).toBe(true);
  });

  it('verifies its own signature', () => {
    const bee = createIdentity();
    const signature = sign(bee.secretKey, message);
    expect(signature).toHaveLength(SIGNATURE_BYTES);
    expect(verify(bee.publicKey, message, signature)).toBe(true);
  });

  it('rejects a tampered message, another bee\'s key and a tampered signature', () => {
    const bee = createIdentity();
    const signature = sign(bee.secretKey, message);
    const tampered = message.slice();
    tampered[0] = tampered[0]! ^ 1;
    expect(verify(bee.publicKey, tampered, signature)).toBe(false);
    expect(verify(createIdentity().publicKey, message, signature)).toBe(false);
    const flipped = signature.slice();
    flipped[10] = flipped[10]! ^ 1;
    expect(verify(bee.publicKey, message, flipped)).toBe(false);
  });

  it('rejects a malleated signature (S + L) that encodes the same equation', () => {
    const bee = createIdentity();
    const signature = sign(bee.secretKey, message);
    // Add the group order L to the little-endian scalar S in the signature's second half.
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!);
    let malleated = s + order;
    const forged = signature.slice();
    for (let i = 32; i < 64; i++, malleated >>= 8n) forged[i] = Number(malleated & 0xffn);
    expect(verify(bee.publicKey, message, forged)).toBe(false);
  });

  it('returns false, never throws, for garbage in any argument', () => {
    const bee = createIdentity();
    const signature = sign(bee.secretKey, message);
    const garbage: unknown[] = [undefined, null, 'abc', 42, {}, [], new Uint8Array(0), new Uint8Array(31), new Uint8Array(65)];
    for (const bad of garbage) {
      expect(verify(bad as Uint8Array, message, signature)).toBe(false);
      expect(verify(bee.publicKey, bad as Uint8Array, signature)).toBe(false);
      expect(verify(bee.publicKey, message, bad as Uint8Array)).toBe(false);
    }
    expect(verify(bee.publicKey, message, signature.subarray(0, 63))).toBe(false);
    expect(verify(new Uint8Array(32).fill(0xff), message, signature)).toBe(false); // not a curve point
    expect(verify(bee.publicKey, message, new Uint8Array(64).fill(0xff))).toBe(false);
  });
});

describe('stored identity', () => {
  it('round-trips through JSON', () => {
    const bee = createIdentity();
    const stored = JSON.parse(JSON.stringify(serializeIdentity(bee))) as unknown;
    expect(parseIdentity(stored)).toEqual(bee);
  });

  it('rejects malformed records, swapped keys and a wrong id with null', () => {
    const stored = serializeIdentity(createIdentity());
    const other = serializeIdentity(createIdentity());
    const bad: unknown[] = [
      null, 'x', 42, {},
      { ...stored, v: 2 },
      { ...stored, id: other.id },
      { ...stored, publicKey: other.publicKey },
      { ...stored, secretKey: other.secretKey },
      { ...stored, secretKey: stored.secretKey.slice(1) },
      { ...stored, publicKey: `${stored.publicKey}=` },
      { ...stored, publicKey: undefined },
    ];
    for (const value of bad) expect(parseIdentity(value)).toBeNull();
  });
});
