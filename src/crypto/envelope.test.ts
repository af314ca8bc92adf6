import { describe, expect, it } from 'vitest';
import { canonicalJson, signedBytes, signFields, verifyFields } from './envelope';
import { createIdentity } from './identity';

const vote = { from: 'ab12cd34', term: 7, candidate: 'ef56ab78', ok: true, note: null };

describe('canonical JSON', () => {
  it('ignores key order, at every depth', () => {
    const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: 'é' } };
    const b = { a: { x: 'é', y: [1, { c: 3, d: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"é","y":[1,{"c":3,"d":2}]},"b":1}');
  });

  it('gives what the receiver parses off the wire the same bytes as what the sender signed', () => {
    const sent = { to: undefined, list: [1, undefined, , 3], n: -0, big: 1e21, tiny: 5e-7, s: 'line\n"q"\u2028' };
    const received: unknown = JSON.parse(JSON.stringify(sent));
    expect(canonicalJson(received)).toBe(canonicalJson(sent));
  });

  it('refuses what JSON cannot carry faithfully', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    const refused: unknown[] = [NaN, Infinity, 1n, Symbol('s'), () => 1, new Date(0), new Uint8Array(2), new Map(), cyclic, deep, { f: () => 1 }];
    for (const value of refused) expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('prefixes the domain and the purpose', () => {
    expect(new TextDecoder().decode(signedBytes('vote', { term: 1 }))).toBe('hivemesh/v1\nvote\n{"term":1}');
  });
});

describe('signed fields', () => {
  it('verify whatever the key order', () => {
    const bee = createIdentity();
    const signature = signFields(bee, 'vote', vote);
    const reordered = { note: null, ok: true, candidate: 'ef56ab78', term: 7, from: 'ab12cd34' };
    expect(verifyFields(bee.publicKey, 'vote', reordered, signature)).toBe(true);
  });

  it('do not verify after tampering, under another key, or for another purpose', () => {
    const bee = createIdentity();
    const signature = signFields(bee, 'vote', vote);
    expect(verifyFields(bee.publicKey, 'vote', { ...vote, term: 8 }, signature)).toBe(false);
    expect(verifyFields(bee.publicKey, 'vote', { ...vote, extra: 1 }, signature)).toBe(false);
    expect(verifyFields(createIdentity().publicKey, 'vote', vote, signature)).toBe(false);
    expect(verifyFields(bee.publicKey, 'evict', vote, signature)).toBe(false);
    expect(verifyFields(bee.publicKey, 'queen', vote, signature)).toBe(false);
  });

  it('return false, never throw, for a truncated or garbage signature, unknown purpose or bad fields', () => {
    const bee = createIdentity();
    const signature = signFields(bee, 'data', vote);
    const badSignatures: unknown[] = [signature.slice(0, -2), `${signature}AA`, '', '!!!', 42, null, undefined, {}];
    for (const bad of badSignatures) expect(verifyFields(bee.publicKey, 'data', vote, bad)).toBe(false);
    expect(verifyFields(bee.publicKey, 'nope' as 'data', vote, signature)).toBe(false);
    expect(verifyFields(bee.publicKey, 'data', { n: NaN }, signature)).toBe(false);
    expect(verifyFields(new Uint8Array(3), 'data', vote, signature)).toBe(false);
  });

  it('signing refuses fields JSON cannot carry', () => {
    expect(() => signFields(createIdentity(), 'data', { at: new Date() })).toThrow(TypeError);
  });
});
