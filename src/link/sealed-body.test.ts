import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../crypto/random';
import { openBody, sealBody } from './sealed-body';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';

// A passphrase colony's crypto loads before its first link or seal, as Bee.start loads it.
beforeAll(() => loadPassphraseCrypto());

describe('sealed bodies', () => {
  const key = randomBytes(32);

  it('open under the key they were sealed with, to the same JSON', () => {
    const body = { text: 'honey', n: [1, 2.5, null], nested: { ok: true } };
    const sealed = sealBody(key, body);
    expect(JSON.stringify(sealed)).not.toContain('honey');
    expect(openBody(key, sealed)).toEqual({ body });
    // A round trip through JSON (the wire) changes nothing.
    expect(openBody(key, JSON.parse(JSON.stringify(sealed)))).toEqual({ body });
  });

  it('do not open under another key, after tampering, or when not sealed at all', () => {
    const sealed = sealBody(key, 'secret');
    expect(openBody(randomBytes(32), sealed)).toBeNull();
    const flipped = sealed.sealed.slice(0, 40) + (sealed.sealed[40] === 'A' ? 'B' : 'A') + sealed.sealed.slice(41);
    expect(openBody(key, { sealed: flipped })).toBeNull();
    expect(openBody(key, 'secret')).toBeNull();
    expect(openBody(key, { sealed: 42 })).toBeNull();
    expect(openBody(key, null)).toBeNull();
  });
});
