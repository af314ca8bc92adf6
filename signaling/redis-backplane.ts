// Several server instances serve the same colonies through one Redis (REDIS_URL): presence and
// the id binding live in hashes (redis-scripts.ts), signals travel over pub/sub to the one
// instance that holds their target.
//
// Why pub/sub and not streams: a signal is worth something for seconds (an SDP offer, an ICE
// candidate) and a bee retries a link that did not form; streams would keep every signal until
// trimmed and make each instance track read positions, to replay what nobody wants late. Each
// instance subscribes to its own channel, so a signal costs one PUBLISH to exactly one instance.
//
// Liveness: each instance beats every HEARTBEAT_MS; one that missed DEAD_AFTER_MS of beats is
// cleaned up by whichever instance beats next (its bees leave, announced to their colonies).
// Losing Redis: commands fail fast (no offline queue) and every method gives the local-only
// answer; when Redis is back, the instance beats and binds its bees again (unless another
// instance has bound one meanwhile: that bee's socket here lets go).

import { Redis } from 'ioredis';
import { bytesToBase64url } from '../src/crypto/encoding';
import { randomBytes } from '../src/crypto/random';
import type { ServerMessage } from '../src/net/signal-protocol';
import type { Backplane, BackplaneHandlers, BackplaneHealth, BackplaneJoin } from './backplane';
import { SCRIPTS, type ScriptName } from './redis-scripts';

export const HEARTBEAT_MS = 1000;
export const DEAD_AFTER_MS = 5000;
/** Beats further apart than this mean this instance (or Redis) was away: it judges nobody dead yet. */
const BEAT_GAP_MS = 3 * HEARTBEAT_MS;
const prefix = 'hivemesh:';
/** Reconnect quickly at first, then every 2 s: a Redis restart is noticed within about that. */
const retryDelayMs = (attempt: number) => Math.min(attempt * 200, 2000);

type Scripted = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** What other instances publish to this one's channel, or to a colony's. */
type Note =
  | { kind: 'deliver'; colony: string; bee: string; message: ServerMessage }
  | { kind: 'peer'; colony: string; bee: string; frame: object }
  | { kind: 'replaced'; colony: string; bee: string }
  | { kind: 'replacedPeer'; colony: string; bee: string }
  | { kind: 'left'; colony: string; bee: string; from: string };

export interface RedisBackplaneOptions {
  url: string;
  maxBeesPerColony: number;
  log: (line: string) => void;
}

export async function createRedisBackplane({ url, maxBeesPerColony, log }: RedisBackplaneOptions): Promise<Backplane> {
  const me = bytesToBase64url(randomBytes(9));
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: retryDelayMs };
  const redis = new Redis(url, options) as Scripted;
  // A subscriber keeps its subscriptions across reconnects (ioredis re-subscribes by itself).
  const sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  for (const [name, lua] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  let handlers: BackplaneHandlers | null = null;
  /** Local /signal bees per colony: this instance hears a colony's departures while it has bees there. */
  const colonies = new Map<string, Set<string>>();
  let instances = 0;
  let wasUp = false;
  let closed = false;

  const up = () => redis.status === 'ready';
  const warn = (what: string) => (error: unknown) => closed || log(`redis: ${what} failed: ${String(error)}`);

  function onNote(raw: string): void {
    const note = JSON.parse(raw) as Note;
    if (!handlers) return;
    if (note.kind === 'deliver') handlers.deliver(note.colony, note.bee, note.message);
    else if (note.kind === 'peer') handlers.deliverPeer(note.colony, note.bee, note.frame);
    else if (note.kind === 'replacedPeer') handlers.replacedPeer(note.colony, note.bee);
    else if (note.kind === 'replaced') {
      forget(note.colony, note.bee);
      handlers.replaced(note.colony, note.bee);
    } else if (note.from !== me) handlers.left(note.colony, note.bee);
  }

  function remember(colony: string, bee: string): void {
    const bees = colonies.get(colony);
    if (bees) return void bees.add(bee);
    colonies.set(colony, new Set([bee]));
    sub.subscribe(`${prefix}colony:${colony}`).catch(warn('subscribe'));
  }

  function forget(colony: string, bee: string): void {
    const bees = colonies.get(colony);
    if (!bees?.delete(bee) || bees.size > 0) return;
    colonies.delete(colony);
    sub.unsubscribe(`${prefix}colony:${colony}`).catch(warn('unsubscribe'));
  }

  async function beat(): Promise<void> {
    if (!up()) return;
    instances = Number(await redis.hmBeat(prefix, me, DEAD_AFTER_MS, BEAT_GAP_MS));
  }

  /** Redis is back (or was restarted empty): bind this instance's bees again. */
  async function resync(): Promise<void> {
    await beat();
    if (!handlers) return;
    for (const { colony, bee, token } of handlers.held()) {
      const bound = await redis.hmJoin(prefix, colony, bee, me, token, maxBeesPerColony, '1');
      if (bound === -1) {
        forget(colony, bee);
        handlers.replaced(colony, bee);
      }
    }
    for (const { colony, bee } of handlers.heldPeers()) {
      if ((await redis.hmJoinPeer(prefix, colony, bee, me, '1')) === -1) handlers.replacedPeer(colony, bee);
    }
    const live = [...handlers.held().map(({ colony, bee }) => `b ${colony} ${bee}`), ...handlers.heldPeers().map(({ colony, bee }) => `p ${colony} ${bee}`)];
    const dropped = Number(await redis.hmPrune(prefix, me, ...live));
    log(`redis: re-synced ${handlers.held().length} bees, dropped ${dropped} that left meanwhile`);
  }

  // A Redis that stays away fails every reconnection the same way: say so once.
  let lastError = '';
  let connected = false;
  redis.on('ready', () => {
    if (wasUp) log('redis: connection back, re-syncing');
    lastError = '';
    wasUp = true;
    connected = true;
    resync().catch(warn('re-sync'));
  });
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) log(`redis: ${error.message}`);
    lastError = error.message;
  });
  sub.on('error', () => {}); // reported once, by the command connection
  redis.on('close', () => {
    if (connected && !closed) log('redis: connection lost; serving this instance’s bees only');
    connected = false;
  });
  sub.on('message', (_channel: string, raw: string) => {
    try {
      onNote(raw);
    } catch (error) {
      log(`redis: dropping a note: ${String(error)}`);
    }
  });

  await Promise.all([sub.connect(), redis.connect()]).catch(warn('connect'));
  // Queued until Redis is reachable if it is not yet: an instance starts, degraded, without it.
  const subscribed = sub.subscribe(`${prefix}to:${me}`).catch(warn('subscribe'));
  if (sub.status === 'ready') await subscribed;
  // Beat before serving: a bee joining here is visible to other instances' samples at once.
  await beat().catch(warn('heartbeat'));
  const timer = setInterval(() => beat().catch(warn('heartbeat')), HEARTBEAT_MS);
  timer.unref();

  /** Run `command` if Redis is up; `fallback` when it is not or the command fails. */
  async function ask<T>(what: string, fallback: T, command: () => Promise<T>): Promise<T> {
    if (!up()) return fallback;
    try {
      return await command();
    } catch (error) {
      warn(what)(error);
      return fallback;
    }
  }

  const publishTo = (kind: 'bees' | 'peers', colony: string, bee: string, note: Note) =>
    ask(`deliver to ${bee}`, false, async () => (await redis.hmDeliver(prefix, kind, colony, bee, JSON.stringify(note))) === 1);

  return {
    attach(given) {
      handlers = given;
    },
    async join(colony, bee, token): Promise<BackplaneJoin> {
      remember(colony, bee);
      const bound = await ask('join', 1, async () => Number(await redis.hmJoin(prefix, colony, bee, me, token, maxBeesPerColony, '0')));
      if (bound === 1) return { ok: true };
      forget(colony, bee);
      return { ok: false, code: 'ERR_COLONY_FULL' };
    },
    leave(colony, bee, token) {
      forget(colony, bee);
      void ask('leave', 0, () => redis.hmLeave(prefix, colony, bee, me, token));
    },
    sample: (colony, exclude, count) =>
      ask('sample', [], async () => (await redis.hmSample(prefix, colony, exclude, count, me, DEAD_AFTER_MS)) as string[]),
    deliver: (colony, bee, message) => publishTo('bees', colony, bee, { kind: 'deliver', colony, bee, message }),
    admitPeerJs: (token, bee) =>
      ask('admit', null, async () => {
        const [colony, holder] = ((await redis.get(`${prefix}token:${token}`)) ?? '').split(' ');
        return holder === bee ? colony! : null;
      }),
    joinPeer(colony, bee) {
      void ask('peer join', 0, () => redis.hmJoinPeer(prefix, colony, bee, me, '0'));
    },
    leavePeer(colony, bee) {
      void ask('peer leave', 0, () => redis.hmLeavePeer(prefix, colony, bee, me));
    },
    deliverPeer: (colony, bee, frame) => publishTo('peers', colony, bee, { kind: 'peer', colony, bee, frame }),
    health(): BackplaneHealth {
      return up() ? { redis: 'up', instance: me, instances } : { redis: 'down', instance: me };
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await ask('retire', 0, () => redis.hmRetire(prefix, me));
      redis.disconnect();
      sub.disconnect();
    },
  };
}
