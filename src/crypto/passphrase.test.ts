import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from './encoding';
import { checkJoinProof, createJoinChallenge, deriveColonyKey, joinProof, open, seal } from './passphrase';

// scrypt('correct horse', 'hivemesh/v1 colony-key\nroom-12', N=2^15, r=8, p=1, 32 bytes), checked
// against Node's OpenSSL scrypt: a change of parameters or salt breaks every colony's key.
const GOLDEN_KEY_HEX = '3f03809c34a40ad50ea8b308125db75d137e906d177213b06dde5a0dcd5e8981';
const plaintext = new TextEncoder().encode('the queen is in room 12');
let key: Uint8Array;
let otherKey: Uint8Array;

beforeAll(async () => {
  [key, otherKey] = await Promise.all([deriveColonyKey('correct horse', 'room-12'), deriveColonyKey('wrong horse', 'room-12')]);
});

describe('colony key', () => {
  it('is the same 32 bytes for every bee that knows the passphrase (golden value)', () => {
    expect(bytesToHex(key)).toBe(GOLDEN_KEY_HEX);
  });

  it('differs between colonies with the same passphrase, and between passphrases', async () => {
    expect(bytesToHex(await deriveColonyKey('correct horse', 'room-13'))).not.toBe(bytesToHex(key));
    expect(bytesToHex(otherKey)).not.toBe(bytesToHex(key));
  });

  it('does not depend on how the keyboard composed an accented letter', async () => {
    const composed = await deriveColonyKey('ruch\u00e9', 'room-12');
    const decomposed = await deriveColonyKey('ruche\u0301', 'room-12');
    expect(bytesToHex(decomposed)).toBe(bytesToHex(composed));
  });

  it('refuses an empty passphrase', async () => {
    await expect(deriveColonyKey('', 'room-12')).rejects.toThrow(RangeError);
  });
});

describe('seal and open', () => {
  it('round-trip, with a fresh nonce each time', () => {
    const first = seal(key, plaintext);
    expect(open(key, first)).toEqual(plaintext);
    expect(bytesToHex(seal(key, plaintext))).not.toBe(bytesToHex(first));
    expect(open(key, seal(key, new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('open returns null, never throws, for a wrong key, tampering or short input', () => {
    const sealed = seal(key, plaintext);
    expect(open(otherKey, sealed)).toBeNull();
    for (const index of [0, 30, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[index] = tampered[index]! ^ 1;
      expect(open(key, tampered)).toBeNull();
    }
    expect(open(key, sealed.subarray(0, 39))).toBeNull();
    expect(open(key, new Uint8Array(0))).toBeNull();
    expect(open(key, 'garbage' as unknown as Uint8Array)).toBeNull();
    expect(open(new Uint8Array(5), sealed)).toBeNull();
  });
});

describe('join proof', () => {
  it('accepts the bee that holds the key', () => {
    const challenge = createJoinChallenge();
    expect(checkJoinProof(key, challenge, 'ab12cd34', joinProof(key, challenge, 'ab12cd34'))).toBe(true);
  });

  it('rejects a wrong key, another challenge, another bee\'s answer and garbage', () => {
    const challenge = createJoinChallenge();
    const proof = joinProof(key, challenge, 'ab12cd34');
    expect(checkJoinProof(otherKey, challenge, 'ab12cd34', proof)).toBe(false);
    expect(checkJoinProof(key, challenge, 'ab12cd34', joinProof(otherKey, challenge, 'ab12cd34'))).toBe(false);
    expect(checkJoinProof(key, createJoinChallenge(), 'ab12cd34', proof)).toBe(false);
    // A reflected answer: a member's proof does not pass for the bee that relayed the challenge.
    expect(checkJoinProof(key, challenge, 'ef56ab78', proof)).toBe(false);
    for (const bad of [proof.subarray(1), new Uint8Array(32), 'x', null]) {
      expect(checkJoinProof(key, challenge, 'ab12cd34', bad)).toBe(false);
    }
    expect(checkJoinProof(key, challenge.subarray(1), 'ab12cd34', proof)).toBe(false);
  });
});
