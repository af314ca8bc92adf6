import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from './encoding';
import { deriveColonyKey, open, seal } from './passphrase';
import { colonyNameOnServer } from './subkey';
import { isColonyName } from '../net/signal-protocol';

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

describe('the name a passphrase colony goes by on the signaling server', () => {
  it('is derived from the colony key, fits the server\'s colony names and is not the colony\'s own', () => {
    const name = colonyNameOnServer('room-12', key);
    expect(isColonyName(name)).toBe(true);
    expect(name).not.toContain('room-12');
    expect(colonyNameOnServer('room-12', new Uint8Array(key))).toBe(name);
    expect(colonyNameOnServer('room-12', otherKey)).not.toBe(name);
  });

  it('is the colony\'s own name in an open colony', () => {
    expect(colonyNameOnServer('room-12', null)).toBe('room-12');
  });
});
