// A plain-http LAN origin is not a secure context: crypto.subtle and crypto.randomUUID are
// missing there, only crypto.getRandomValues remains. Every building block must still work.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

const touched: string[] = [];

beforeEach(() => {
  const real = globalThis.crypto;
  const insecure = {
    getRandomValues: real.getRandomValues.bind(real),
    // Undefined, as in an insecure context; reading them is recorded so the test can prove it never happens.
    get subtle() {
      touched.push('subtle');
      return undefined;
    },
    get randomUUID() {
      touched.push('randomUUID');
      return undefined;
    },
  };
  vi.stubGlobal('crypto', insecure);
  // Load the modules afresh under the stub, so nothing can have captured the real crypto at import.
  vi.resetModules();
  touched.length = 0;
});

afterEach(() => {
  vi.unstubAllGlobals();
});

it('signs, verifies, derives, seals and proves with crypto.subtle and crypto.randomUUID undefined', async () => {
  expect(globalThis.crypto.subtle).toBeUndefined();
  touched.length = 0;
  const { createIdentity, parseIdentity, serializeIdentity } = await import('./identity');
  const { signFields, verifyFields } = await import('./envelope');
  const { checkJoinProof, createJoinChallenge, deriveColonyKey, joinProof, open, seal } = await import('./passphrase');

  const bee = createIdentity();
  expect(parseIdentity(serializeIdentity(bee))).toEqual(bee);
  const signature = signFields(bee, 'link', { from: bee.id, nonce: 1 });
  expect(verifyFields(bee.publicKey, 'link', { from: bee.id, nonce: 1 }, signature)).toBe(true);

  const key = await deriveColonyKey('correct horse', 'room-12');
  const plaintext = new TextEncoder().encode('hello hive');
  expect(open(key, seal(key, plaintext))).toEqual(plaintext);
  const challenge = createJoinChallenge();
  expect(checkJoinProof(key, challenge, bee.id, joinProof(key, challenge, bee.id))).toBe(true);

  expect(touched).toEqual([]);
});
