// Which bee this tab is. A tab keeps its bee across reloads: sessionStorage (per tab, kept across
// reloads) points at the bee's identity (its key pair) in IndexedDB. A new tab starts empty, so it
// hatches a new bee: a fresh key pair, whose public key's hash is the bee id. A duplicated tab starts with a *copy* of the original's sessionStorage, so before taking the
// bee it asks, over a BroadcastChannel, whether a live tab already runs it; if one answers, the
// duplicate hatches a bee of its own. (navigator.locks would do this better but exists only in
// secure contexts, and classrooms use plain http on the LAN.)

import { parseIdentity, serializeIdentity, type Identity } from '../crypto/identity';
import { isBeeId } from '../net/signal-protocol';
import type { HiveDb, IdentityRecord } from './schema';

const POINTER_KEY = 'hivemesh.bee';
const CHANNEL_NAME = 'hivemesh.identity';
/** How long a live tab has to answer for its bee. Only reloads and duplicates wait for it. */
export const PROBE_MS = 300;

type Probe = { type: 'who' | 'mine'; bee: string; nonce: string };

const parseProbe = (data: unknown): Probe | null => {
  const m = data as Partial<Probe> | null;
  return m && (m.type === 'who' || m.type === 'mine') && typeof m.bee === 'string' && typeof m.nonce === 'string' ? (m as Probe) : null;
};

export interface Claimed {
  identity: Identity;
  /** True when this is the bee the tab ran before (a reload); false for a new bee. */
  restored: boolean;
  /** Why a pointed-at bee was not taken, for the event log. */
  note?: string;
}

export interface ClaimOptions {
  db: HiveDb | null;
  session: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** A fresh key pair, for a new bee. */
  hatch: () => Identity;
  now: number;
  /**
   * `?reset`: hatch a new bee, and have this delete the records of the pointed-at one (unless
   * another tab runs it: a duplicated tab must not wipe the original's bee).
   */
  reset?: (bee: string) => Promise<unknown>;
}

/** The key pair a stored identity holds, checked (the secret key yields the public key, which hashes to the id). */
const keysOf = (record: IdentityRecord): Identity | null => ('keys' in record ? parseIdentity(record.keys) : null);

/** Answers for this tab's bee from the moment it is claimed until `close()`. */
export class TabIdentity {
  private mine: string | null = null;
  /** A probe of ours in flight: the bee we want and our nonce (the lower nonce wins a tie). */
  private probing: { bee: string; nonce: string; answered: () => void } | null = null;
  private readonly channel: BroadcastChannel | null;

  constructor(private readonly newNonce: () => string) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
    this.channel?.addEventListener('message', (event) => this.onMessage(parseProbe(event.data)));
  }

  /** The pointer this tab's sessionStorage holds, if any (a reload, or a duplicate). */
  static pointer(session: ClaimOptions['session']): string | null {
    try {
      const id = session?.getItem(POINTER_KEY) ?? null;
      return isBeeId(id) ? id : null;
    } catch {
      return null; // storage disabled: every load is a new bee
    }
  }

  async claim(options: ClaimOptions): Promise<Claimed> {
    let pointed = TabIdentity.pointer(options.session);
    let note: string | undefined;
    if (pointed !== null) {
      let record = await options.db?.get('identities', pointed);
      if (record && 'movedTo' in record) {
        // A version 2 bee, given keys (and a new id) by the schema upgrade: the tab follows it.
        pointed = record.movedTo;
        record = await options.db?.get('identities', pointed);
      }
      if (await this.taken(pointed)) note = `bee ${pointed} runs in another tab (this tab is a duplicate): hatched a new bee`;
      else if (options.reset) {
        await options.reset(pointed);
        note = `bee ${pointed} was forgotten on request (reset): hatched a new bee`;
      } else if (!options.db) note = `bee ${pointed} is out of reach (no storage): hatched a new bee`;
      else if (!record) note = `bee ${pointed} was forgotten: hatched a new bee`;
      else {
        const identity = keysOf(record);
        if (identity?.id === pointed) return this.take(options, { identity, restored: true });
        note = `bee ${pointed} has unreadable keys: hatched a new bee`;
      }
    }
    const identity = options.hatch();
    await options.db?.put('identities', { id: identity.id, createdAt: options.now, keys: serializeIdentity(identity) });
    return this.take(options, note === undefined ? { identity, restored: false } : { identity, restored: false, note });
  }

  close(): void {
    this.channel?.close();
    this.mine = null;
  }

  private take(options: ClaimOptions, claimed: Claimed): Claimed {
    this.mine = claimed.identity.id;
    try {
      options.session?.setItem(POINTER_KEY, claimed.identity.id);
    } catch {
      // Storage disabled: this bee lasts one page load.
    }
    return claimed;
  }

  /** Whether another live tab answers for `bee` within PROBE_MS. */
  private taken(bee: string): Promise<boolean> {
    if (!this.channel) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), PROBE_MS);
      const finish = (taken: boolean) => {
        clearTimeout(timer);
        this.probing = null;
        resolve(taken);
      };
      const nonce = this.newNonce();
      this.probing = { bee, nonce, answered: () => finish(true) };
      this.channel?.postMessage({ type: 'who', bee, nonce } satisfies Probe);
    });
  }

  private onMessage(message: Probe | null): void {
    if (!message) return;
    const probing = this.probing;
    if (message.type === 'mine') {
      if (probing && message.bee === probing.bee && message.nonce === probing.nonce) probing.answered();
      return;
    }
    if (message.bee === this.mine) {
      this.channel?.postMessage({ type: 'mine', bee: message.bee, nonce: message.nonce } satisfies Probe);
    } else if (probing && message.bee === probing.bee) {
      // Two tabs probing for one bee at once (two duplicates starting together): the lower nonce
      // takes it, the other hatches a new bee.
      if (message.nonce < probing.nonce) probing.answered();
      else this.channel?.postMessage({ type: 'mine', bee: message.bee, nonce: message.nonce } satisfies Probe);
    }
  }
}
