// The page's promises for its messages settle with a code: delivered, ERR_NOT_DELIVERED when the
// protocol gave up, ERR_EVICTED or ERR_LEFT when this life of the bee ends first, ERR_OUTBOX_FULL
// when nothing could be stored.
import { beforeAll, describe, expect, it } from 'vitest';
import type { HiveEvent } from '../hive/events';
import { Outbox } from '../store/outbox';
import { BeeStore, DEFAULT_CAPS } from '../store/store';
import { Outgoing } from './outgoing';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';

// A passphrase colony's crypto loads before its first link or seal, as Bee.start loads it.
beforeAll(() => loadPassphraseCrypto());

const PEER = 'b'.repeat(32);

/** Outgoing messages over a store that runs in memory, with one link up; `events` is what reached the protocol. */
function outgoing(caps = DEFAULT_CAPS) {
  const events: HiveEvent[] = [];
  let ids = 0;
  const out = new Outgoing(new Outbox(new BeeStore(null, 'a'.repeat(32), () => undefined, caps), []), {
    colonyKey: null,
    step: (event) => events.push(event),
    hasLink: () => true,
    now: () => 0,
    note: () => undefined,
    changed: () => undefined,
    newId: () => String(++ids).padStart(16, '0'),
  });
  /** Settles the `n`th event handed to the protocol. */
  const settle = (n: number, ok: boolean) => {
    const { ref } = events[n] as { ref: number };
    out.settled(ok ? { type: 'settled', ref, ok, route: [] } : { type: 'settled', ref, ok, reason: 'no acknowledgement' });
  };
  return { out, events, settle };
}

/** Lets the outbox's writes (in memory here) finish. */
const stored = () => new Promise((resolve) => setTimeout(resolve, 0));
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: { code?: string }) => err.code);

describe('outgoing messages', () => {
  it('resolve once acknowledged, and reject with ERR_NOT_DELIVERED when the protocol gives up with links up', async () => {
    const { out, events, settle } = outgoing();
    const first = out.post('send', PEER, 'one');
    const second = out.post('send', PEER, 'two');
    await stored();
    expect(events.map((event) => event.type)).toEqual(['send', 'send']);
    settle(0, true);
    settle(1, false);
    expect(await codeOf(first)).toBe('resolved');
    expect(await codeOf(second)).toBe('ERR_NOT_DELIVERED');
    expect(out.outbox.list()).toMatchObject([{ status: 'failed', reason: 'no acknowledgement' }]);
  });

  it('reject with ERR_LEFT once the bee leaves, in flight or posted after, and stay in the outbox for its next life', async () => {
    const { out, settle } = outgoing();
    const inFlight = out.post('broadcast', null, 'in flight');
    await stored();
    out.close('ERR_LEFT', 'left');
    settle(0, false); // the protocol's own goodbye fails what it held
    expect(await codeOf(inFlight)).toBe('ERR_LEFT');
    expect(await codeOf(out.post('send', PEER, 'too late'))).toBe('ERR_LEFT');
    expect(await codeOf(out.ask((ref) => ({ type: 'abdicate', ref }), 'ERR_NO_SUCCESSOR'))).toBe('ERR_LEFT');
    expect(out.outbox.pending()).toHaveLength(1);
  });

  it('reject with ERR_EVICTED once the bee is evicted', async () => {
    const { out } = outgoing();
    const pending = out.post('send', PEER, 'lost');
    await stored();
    out.close('ERR_EVICTED', 'this bee was evicted');
    expect(await codeOf(pending)).toBe('ERR_EVICTED');
    expect(await codeOf(out.post('send', PEER, 'let me back in'))).toBe('ERR_EVICTED');
  });

  it('reject with ERR_OUTBOX_FULL when the outbox holds as many unacknowledged messages as it may', async () => {
    const { out } = outgoing({ ...DEFAULT_CAPS, outbox: 1 });
    void out.post('send', PEER, 'first');
    expect(await codeOf(out.post('send', PEER, 'second'))).toBe('ERR_OUTBOX_FULL');
  });

  it('settle a request as asked: the failure code given when the protocol says no', async () => {
    const { out, events, settle } = outgoing();
    const abdication = out.ask((ref) => ({ type: 'abdicate', ref }), 'ERR_NO_SUCCESSOR');
    expect(events).toEqual([{ type: 'abdicate', ref: 1 }]);
    settle(0, false);
    expect(await codeOf(abdication)).toBe('ERR_NO_SUCCESSOR');
  });
});
