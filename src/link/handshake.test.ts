// The handshake an outsider gets from a passphrase colony gives it nothing to test a guess with
// offline. The attack on the old join proof: a bee answered any `sealed: true` hello with
// HMAC(colony key, the outsider's own nonce ‖ its id), so the outsider, knowing its nonce, could
// try a dictionary against that answer at scrypt speed. Here the outsider records everything a
// member sends it, then replays its own side of that handshake (same nonce, same secret scalar:
// the same random bytes) under every passphrase of a dictionary that includes the true one.
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64url } from '../crypto/encoding';
import { createIdentity, type Identity } from '../crypto/identity';
import { deriveColonyKey } from '../crypto/passphrase';
import type { RandomSource } from '../crypto/random';
import { LinkHandshake, type Step } from './handshake';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';

// A passphrase colony's crypto loads before its first link or seal, as Bee.start loads it.
beforeAll(() => loadPassphraseCrypto());

const COLONY = 'room-12';
const TRUE_PASSPHRASE = 'correct horse';
const DICTIONARY = ['password', 'hunter2', 'wrong horse', TRUE_PASSPHRASE, 'tr0ub4dor'];

/** A reproducible stream of "random" bytes: the outsider's own secrets, which it may replay. */
function seeded(seed: string): RandomSource {
  let counter = 0;
  return (bytes) => {
    for (let offset = 0; offset < bytes.length; offset += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      bytes.set(block.subarray(0, Math.min(32, bytes.length - offset)), offset);
    }
    return bytes;
  };
}

const sent = (step: Step): string => {
  if (!('send' in step)) throw new Error(`expected a frame to send, got ${JSON.stringify(step)}`);
  return step.send;
};

let keys: Map<string, Uint8Array>;
const member = createIdentity();
const outsider = createIdentity();

beforeAll(async () => {
  keys = new Map();
  for (const word of DICTIONARY) keys.set(word, await deriveColonyKey(word, COLONY));
}, 60_000);

const secrets = (identity: Identity, passphrase: string) => ({ identity, colony: COLONY, colonyKey: keys.get(passphrase)! });

/**
 * One handshake between the member (true passphrase) and an outsider that typed `guess`, its
 * randomness drawn from `seed`. Returns what the outsider received, in order, and its outcome.
 */
function handshake(guess: string, seed: string): { received: string[]; outcome: Step } {
  const them = new LinkHandshake(secrets(member, TRUE_PASSPHRASE), outsider.id);
  const me = new LinkHandshake(secrets(outsider, guess), member.id, () => null, seeded(seed));
  sent(me.receive(them.hello));
  const theirProof = sent(them.receive(me.hello));
  return { received: [them.hello, theirProof], outcome: me.receive(theirProof) };
}

/** The guesses a recorded handshake confirms: the outsider replays its side under each one offline. */
function confirmedOffline(received: string[], seed: string): string[] {
  return DICTIONARY.filter((word) => {
    const replay = new LinkHandshake(secrets(outsider, word), member.id, () => null, seeded(seed));
    const steps = received.map((frame) => replay.receive(frame));
    return steps.some((step) => 'authenticated' in step);
  });
}

describe('what an outsider learns from a passphrase colony', () => {
  it('a wrong guess is refused, and the handshake it recorded confirms no passphrase offline, the true one included', () => {
    const { received, outcome } = handshake('wrong horse', 'outsider-1');
    expect(outcome).toEqual({ refused: 'wrong-passphrase' });
    expect(confirmedOffline(received, 'outsider-1')).toEqual([]);
  });

  it('each handshake tests exactly the one guess the outsider committed to, online', () => {
    for (const [n, guess] of DICTIONARY.entries()) {
      const seed = `outsider-guess-${n}`;
      const { received, outcome } = handshake(guess, seed);
      const right = guess === TRUE_PASSPHRASE;
      expect('authenticated' in outcome, guess).toBe(right);
      // The replay check is no blind spot: it confirms the committed guess when that was right.
      expect(confirmedOffline(received, seed), guess).toEqual(right ? [TRUE_PASSPHRASE] : []);
    }
  });
});

describe('the PAKE inside the link handshake', () => {
  const pair = () => ({
    them: new LinkHandshake(secrets(member, TRUE_PASSPHRASE), outsider.id),
    me: new LinkHandshake(secrets(outsider, TRUE_PASSPHRASE), member.id),
  });
  const withShare = (hello: string, share: unknown) => JSON.stringify({ ...JSON.parse(hello), share });

  it('links two bees with the same passphrase, both ways', () => {
    const { them, me } = pair();
    const [mine, theirs] = [sent(me.receive(them.hello)), sent(them.receive(me.hello))];
    expect([me.receive(theirs), them.receive(mine)]).toEqual([{ authenticated: true }, { authenticated: true }]);
  });

  it('refuses a passphrase hello whose share is missing, malformed or the identity point', () => {
    for (const share of [null, 'not-a-point', bytesToBase64url(new Uint8Array(32)), bytesToBase64url(new Uint8Array(32).fill(0xff))]) {
      const { them, me } = pair();
      expect(them.receive(withShare(me.hello, share)), String(share)).toEqual({ refused: 'bad-handshake' });
    }
  });

  it('signs the shares: a share swapped in transit fails the signature, not only the key confirmation', () => {
    const { them, me } = pair();
    const stranger = new LinkHandshake(secrets(outsider, TRUE_PASSPHRASE), member.id);
    const swapped = withShare(me.hello, JSON.parse(stranger.hello).share);
    const theirs = sent(them.receive(swapped));
    sent(me.receive(them.hello));
    expect(me.receive(theirs)).toEqual({ refused: 'bad-signature' });
  });
});
