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
  const { deriveColonyKey, open, seal } = await import('./passphrase');
  await (await import('./passphrase-crypto')).loadPassphraseCrypto();
  const { LinkHandshake } = await import('../link/handshake');

  const bee = createIdentity();
  expect(parseIdentity(serializeIdentity(bee))).toEqual(bee);
  const signature = signFields(bee, 'link', { from: bee.id, nonce: 1 });
  expect(verifyFields(bee.publicKey, 'link', { from: bee.id, nonce: 1 }, signature)).toBe(true);

  const key = await deriveColonyKey('correct horse', 'room-12');
  const plaintext = new TextEncoder().encode('hello hive');
  expect(open(key, seal(key, plaintext))).toEqual(plaintext);
  // A passphrase link's handshake: the PAKE and its key confirmation, both ends.
  const other = createIdentity();
  const mine = new LinkHandshake({ identity: bee, colony: 'room-12', colonyKey: key }, other.id);
  const theirs = new LinkHandshake({ identity: other, colony: 'room-12', colonyKey: key }, bee.id);
  const [toThem, toMe] = [mine.receive(theirs.hello), theirs.receive(mine.hello)];
  expect('send' in toThem && 'send' in toMe).toBe(true);
  if ('send' in toThem && 'send' in toMe) expect([mine.receive(toMe.send), theirs.receive(toThem.send)]).toEqual([{ authenticated: true }, { authenticated: true }]);

  expect(touched).toEqual([]);
});
