// The passphrase colony's crypto is loaded on demand: an open colony's handshake runs without it,
// and a passphrase colony's handshake says plainly when its caller forgot to load it.

import { beforeEach, expect, it, vi } from 'vitest';
import { createIdentity } from './identity';

const KEY = new Uint8Array(32).fill(7);

beforeEach(() => {
  // Each test starts from modules that have loaded nothing yet.
  vi.resetModules();
});

it('runs an open colony handshake without loading the passphrase crypto', async () => {
  const { LinkHandshake } = await import('../link/handshake');
  const { passphraseCrypto } = await import('./passphrase-crypto');
  const [a, b] = [createIdentity(), createIdentity()];
  const mine = new LinkHandshake({ identity: a, colony: 'room-12', colonyKey: null }, b.id);
  const theirs = new LinkHandshake({ identity: b, colony: 'room-12', colonyKey: null }, a.id);
  expect('send' in mine.receive(theirs.hello)).toBe(true);
  expect(() => passphraseCrypto()).toThrow(/not loaded/);
});

it('refuses to start a passphrase handshake before the passphrase crypto is loaded, and says why', async () => {
  const { LinkHandshake } = await import('../link/handshake');
  const { loadPassphraseCrypto } = await import('./passphrase-crypto');
  const [a, b] = [createIdentity(), createIdentity()];
  const start = () => new LinkHandshake({ identity: a, colony: 'room-12', colonyKey: KEY }, b.id);
  expect(start).toThrow('the passphrase crypto is not loaded: await loadPassphraseCrypto() first');
  await loadPassphraseCrypto();
  expect(JSON.parse(start().hello)).toMatchObject({ sealed: true, share: expect.any(String) });
});
