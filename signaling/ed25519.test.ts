import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIdentity, sign, verify } from '../src/crypto/identity';
import { verifyNative } from './ed25519';

describe('native Ed25519 verification', () => {
  it('agrees with @noble/curves on real signatures and on every one-bit change of key, message or signature', () => {
    const identity = createIdentity();
    const message = new TextEncoder().encode('hivemesh/v1\nsignal\n{"bee":"b","c":"demo","nonce":"n"}');
    const signature = sign(identity.secretKey, message);
    expect(verifyNative(identity.publicKey, message, signature)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom('key', 'message', 'signature'), fc.nat(), fc.integer({ min: 0, max: 7 }), (part, at, bit) => {
        const parts = { key: new Uint8Array(identity.publicKey), message: new Uint8Array(message), signature: new Uint8Array(signature) };
        const bytes = parts[part];
        bytes[at % bytes.length]! ^= 1 << bit;
        expect(verifyNative(parts.key, parts.message, parts.signature)).toBe(verify(parts.key, parts.message, parts.signature));
        expect(verifyNative(parts.key, parts.message, parts.signature)).toBe(false);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('refuses keys and signatures of the wrong length without throwing', () => {
    expect(verifyNative(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64))).toBe(false);
    expect(verifyNative(new Uint8Array(32), new Uint8Array(1), new Uint8Array(63))).toBe(false);
    expect(verifyNative(new Uint8Array(32).fill(0xff), new Uint8Array(1), new Uint8Array(64))).toBe(false);
  });
});
