// What lies beyond this server instance. One instance alone (no REDIS_URL) has nothing beyond it:
// `loneBackplane` answers every question with "nobody else", so the relays behave exactly as a
// single process always did. With REDIS_URL, redis-backplane.ts shares presence, the id binding,
// PeerJS tokens and signal delivery between instances.
//
// The relays keep their own bees in their own registries (colonies.ts) and ask the backplane only
// about what they cannot see: bees on other instances. Every method that talks to Redis resolves
// to the local-only answer when Redis is unreachable, so an instance keeps serving its own bees.
// Answers are plain values when nothing was asked (the lone backplane): a single instance stays
// synchronous, exactly as it was.

import type { ServerMessage } from '../src/net/signal-protocol';

/** A /signal bee this instance holds, as the backplane re-announces it after Redis returns. */
export interface HeldBee {
  colony: string;
  bee: string;
  token: string;
}

/** What other instances ask this one to do for its own bees. */
export interface BackplaneHandlers {
  /** Deliver `message` to local /signal bee `bee` of `colony`, if it is here. */
  deliver(colony: string, bee: string, message: ServerMessage): void;
  /** Tell every local /signal bee of `colony` but `bee` that `bee` left. */
  left(colony: string, bee: string): void;
  /** `bee` proved itself on another instance: its socket here lets go, announcing no departure. */
  replaced(colony: string, bee: string): void;
  /** Deliver a PeerJS frame to local PeerJS socket `bee` of `colony`, if it is here. */
  deliverPeer(colony: string, bee: string, frame: object): void;
  /** `bee`'s PeerJS socket opened on another instance: the one here lets go. */
  replacedPeer(colony: string, bee: string): void;
  /** The /signal bees held here, for re-announcing them. */
  held(): HeldBee[];
  /** The PeerJS sockets held here. */
  heldPeers(): { colony: string; bee: string }[];
}

/** A value, or one that takes a round trip to Redis. */
export type Maybe<T> = T | Promise<T>;

/** `then(value)`, at once if `value` is there already. */
export function after<T, R>(value: Maybe<T>, then: (value: T) => Maybe<R>): Maybe<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

export type BackplaneJoin = { ok: true } | { ok: false; code: 'ERR_COLONY_FULL' };

export interface BackplaneHealth {
  /** 'none': a single instance; 'up'/'down': whether Redis is reachable right now. */
  redis: 'none' | 'up' | 'down';
  /** This instance's id in Redis (absent for a single instance). */
  instance?: string;
  /** Instances with a recent heartbeat, this one included (absent unless Redis is up). */
  instances?: number;
}

export interface Backplane {
  /** Register the relays' handlers; called once, before any bee joins. */
  attach(handlers: BackplaneHandlers): void;
  /** `bee` proved its id here: bind it here (whoever held it elsewhere lets go) under `token`. */
  join(colony: string, bee: string, token: string): Maybe<BackplaneJoin>;
  /** `bee`'s socket here closed while still bound: it left, for every instance. */
  leave(colony: string, bee: string, token: string): void;
  /** Up to `count` bees of `colony` on other instances, `exclude` left out. */
  sample(colony: string, exclude: string, count: number): Maybe<string[]>;
  /** Send `message` to `bee` on whichever instance holds it; false if none does. */
  deliver(colony: string, bee: string, message: ServerMessage): Maybe<boolean>;
  /** The colony of `bee` if `token` is the token of its live join on another instance, else null. */
  admitPeerJs(token: string, bee: string): Maybe<string | null>;
  /** A PeerJS socket for `bee` opened here / closed here. */
  joinPeer(colony: string, bee: string): void;
  leavePeer(colony: string, bee: string): void;
  /** Send PeerJS `frame` to `bee`'s PeerJS socket on another instance; false if none holds it. */
  deliverPeer(colony: string, bee: string, frame: object): Maybe<boolean>;
  health(): BackplaneHealth;
  /** Announce this instance's bees gone and disconnect. */
  close(): Promise<void>;
}

/** A single instance: nothing beyond it. */
export const loneBackplane = (): Backplane => ({
  attach() {},
  join: () => ({ ok: true }),
  leave() {},
  sample: () => [],
  deliver: () => false,
  admitPeerJs: () => null,
  joinPeer() {},
  leavePeer() {},
  deliverPeer: () => false,
  health: () => ({ redis: 'none' }),
  close: () => Promise.resolve(),
});
