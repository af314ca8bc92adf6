// Frames bees exchange over their links, and the one parser at the edge. Anything that does not
// parse is dropped and counted by the caller; nothing malformed reaches the protocol.

import { isBeeId, jsonDepthWithin } from '../net/signal-protocol';
import { MAX_FRAME_BYTES } from '../net/transport';
import type { Authority, Claim, Seal } from './certificate';
import type { Membership } from './membership';

/** Longest route a frame may carry; also the flood TTL ceiling. */
export const MAX_HOPS = 16;
/** Largest roster digest in one heartbeat (keeps a heartbeat well under 16 KiB). */
export const MAX_DIGEST_ENTRIES = 200;
/** A message body's canonical JSON, in UTF-8 bytes, as `send()` takes it (sealed, it grows by a third). */
export const MAX_BODY_BYTES = 8 * 1024;
/**
 * What an envelope's origin signs and every receiver holds it to: the payload's JSON as relays
 * pass it on. The rest of an envelope (ids, ttl, a route of MAX_HOPS + 1 bees, the signature) takes
 * at most ENVELOPE_OVERHEAD_BYTES, so a relay can always pass on what it accepted within
 * MAX_FRAME_BYTES (frames.test.ts builds the worst case). Over it, the signer is to blame.
 */
export const MAX_PAYLOAD_BYTES = 14 * 1024;
export const ENVELOPE_OVERHEAD_BYTES = MAX_FRAME_BYTES - MAX_PAYLOAD_BYTES;
/** Hives one heartbeat tells of, and workers listed per hive (bounds a heartbeat's size). */
export const MAX_HIVE_ENTRIES = 24;
export const MAX_HIVE_WORKERS = 64;
/** Serialized limit of a WebRTC signal relayed through the mesh (SDP with candidates fits). */
export const MAX_SIGNAL_BYTES = 6 * 1024;
/**
 * Deepest nesting of a message body: any message a person writes, with room for the envelope
 * around it within what the signer canonicalizes (16 levels). A body 8,000 levels deep fits in a
 * frame, and re-encoding it to relay would overflow the stack.
 */
export const MAX_BODY_DEPTH = 8;

const ID = /^[0-9a-f]{16,32}$/;

/** What a queen evicts a bee for (eviction.ts says how each is detected). */
export const OFFENCES = ['malformed', 'unsigned', 'forged', 'replayed', 'oversized', 'flood', 'usurp'] as const;
export type Offence = (typeof OFFENCES)[number];
/** Longest human-readable detail an eviction notice carries. */
export const MAX_DETAIL_CHARS = 200;

/** A bee's liveness as gossip carries it: [bee id, that bee's own clock at its last heartbeat]. */
export type DigestEntry = [bee: string, beat: number];

/**
 * A hive as gossip carries it: its queen, her own clock when she last described it (newer
 * beats replace older ones, like roster beats), her term, how many workers she has, and who they
 * are, listed only in a small colony (hives.ts; empty otherwise).
 */
export interface HiveEntry {
  queen: string;
  /** The hive's id (membership.ts). */
  hive: string;
  beat: number;
  term: number;
  size: number;
  workers: string[];
}

/** What a bee says about itself to its neighbours every heartbeat. */
export interface Heartbeat {
  t: 'hb';
  digest: DigestEntry[];
  /** Hives the sender knows of (its own first when it is a queen): how the court and eggs find queens. */
  hives: HiveEntry[];
  term: number;
  /** The queen this bee follows (itself if it is one), or null. */
  queen: string | null;
  /** The hive this bee belongs to (its queen's), or null. */
  hive: string | null;
  /** The version (term, epoch) of that hive's membership it holds: its queen sends a laggard the current one. */
  hiveVersion: [term: number, epoch: number] | null;
  /** How long this bee has been up, and whether its page is visible: what makes a good queen. */
  uptimeMs: number;
  visible: boolean;
  /** The colony config version this bee runs (0: none adopted), and its founder (null: none yet; older bees leave it out). */
  version: number;
  founder?: string | null;
  /** Said by an observer (the projector): never counted among a hive's members or founders. */
  observer?: true;
  /** Said by a queen: the worker she would hand her hive to. Her workers keep a link to it, so a handover or a failover finds them linked. */
  heir?: string;
}

/** What an envelope carries. */
export type Payload =
  /** Application data; `msg` identifies it end to end across retransmissions. */
  | { k: 'data'; msg: string; body: unknown }
  | { k: 'ack'; msg: string }
  /**
   * A candidate asks the members of `membership` for votes in `term`. `pre` is the straw poll
   * before a real campaign: "would you vote for me?", which changes nobody's term. `seal` is the
   * queen's who proposed `membership` (null for a hive's founding members), for voters that
   * missed it.
   */
  | { k: 'elect'; term: number; pre: boolean; membership: Membership; seal: Seal | null }
  /** A vote (or a straw-poll yes) for the candidate it is sent to; a real vote carries its signed ballot. */
  | { k: 'vote'; term: number; pre: boolean; ballot: Seal | null }
  /** A queen's claim with its certificate (certificate.ts): flooded a few hops once, then named to bees. */
  | ({ k: 'queen' } & Claim)
  /** The queen proposes the next membership of her hive; members store it and say so. */
  | { k: 'members'; membership: Membership; seal: Seal }
  /** A member stored (or, having left the hive, no longer votes under anything older than) this version. */
  | { k: 'stored'; hive: string; term: number; epoch: number }
  /** A queen over capacity makes the worker it is sent to the first queen of the new hive `membership`. */
  | { k: 'breed'; membership: Membership; seal: Seal }
  /**
   * A queen tells her worker to follow queen `to`: in a split, of the new hive `membership` her
   * `seal` bred; in a merge (null), of a hive the worker joins like any egg.
   */
  | { k: 'move'; to: string; membership: Membership | null; seal: Seal | null }
  /** A WebRTC signal relayed through the mesh instead of the signaling server. */
  | { k: 'sig'; data: unknown }
  /** Tells a candidate that a later term exists, so it campaigns above it. */
  | { k: 'later'; term: number }
  /** A queen tells the home of each of these bees that they work in her hive (directory.ts). */
  | { k: 'here'; workers: string[] }
  /** A queen destroys a compromised worker: every bee that follows her bans `bee` (eviction.ts). */
  | { k: 'evict'; bee: string; offence: Offence; detail: string };

/**
 * Anything that travels further than one link. `id` is unique per transmission (relays drop
 * repeats of it); `to` null floods to everyone; each hop takes one off `ttl` and appends itself
 * to `route`, so ttl + route.length - 1 is the TTL the origin signed (envelope-guard.ts). The
 * route is a record for the inbox, never a reason to skip a bee (routing.ts). `via` is the queen of
 * the receiver's hive as the first queen on the way knew her, for the queens after her who do not:
 * relay-written like the route, a hint that can only send a message the long way round. `search`
 * marks a message a queen could find no way for: it goes down the court's spanning tree, each
 * queen once, until a queen who knows the receiver's hive takes it (routing.ts).
 */
export interface Envelope {
  t: 'env';
  id: string;
  from: string;
  to: string | null;
  ttl: number;
  route: string[];
  via?: string;
  search?: true;
  p: Payload;
}

/**
 * A colony config (an upgrade) handed over one link. `config` is the seeder's signed record,
 * checked by the driver before the frame reaches the core; the core reads only its signer (`by`)
 * and signature (`sig`), to take the founder's next version. `route` lists the bees it passed,
 * the seeder first (and the latest hops, when the way was longer than a route holds).
 */
export interface UpgradeFrame {
  t: 'up';
  version: number;
  config: Record<string, unknown>;
  route: string[];
}

export type Frame = Heartbeat | Envelope | UpgradeFrame | { t: 'bye' };

const isId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isHops = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_HOPS;
const isRoute = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_HOPS + 1 && v.every(isBeeId);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function isDigest(v: unknown): v is DigestEntry[] {
  return (
    Array.isArray(v) &&
    v.length <= MAX_DIGEST_ENTRIES &&
    v.every((e) => Array.isArray(e) && e.length === 2 && isBeeId(e[0]) && isCount(e[1]))
  );
}

const isNullableId = (v: unknown): v is string | null => v === null || isBeeId(v);
const isVersion = (v: unknown): v is [number, number] | null => v === null || (Array.isArray(v) && v.length === 2 && isCount(v[0]) && isCount(v[1]));
const isWorkers = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_HIVE_WORKERS && v.every(isBeeId);

/** Base64url of a key or signature, with room for any scheme a notary uses. */
const SEAL_PART = /^[A-Za-z0-9_-]{1,128}$/;

function parseSeal(v: unknown): Seal | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  return isBeeId(s.bee) && typeof s.pub === 'string' && SEAL_PART.test(s.pub) && typeof s.sig === 'string' && SEAL_PART.test(s.sig)
    ? { bee: s.bee, pub: s.pub, sig: s.sig }
    : null;
}

/** Members are sorted and distinct: one spelling per membership, as its signers signed it. */
function parseMembership(v: unknown): Membership | null {
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  const members = m.members;
  if (!isId(m.hive) || !isCount(m.term) || !isCount(m.epoch) || !Array.isArray(members)) return null;
  if (members.length === 0 || members.length > MAX_HIVE_WORKERS + 1 || !members.every(isBeeId)) return null;
  for (let i = 1; i < members.length; i++) if ((members[i - 1] as string) >= (members[i] as string)) return null;
  return { hive: m.hive, term: m.term, epoch: m.epoch, members: [...(members as string[])] };
}

/** Null for a missing seal, undefined for a malformed one. */
const parseOptionalSeal = (v: unknown): Seal | null | undefined => (v === null ? null : (parseSeal(v) ?? undefined));

function parseAuthority(v: unknown): Authority | null {
  if (typeof v !== 'object' || v === null) return null;
  const a = v as Record<string, unknown>;
  if (a.by === 'split') {
    const seal = parseSeal(a.seal);
    return seal && { by: 'split', seal };
  }
  if (a.by !== 'votes' || !Array.isArray(a.ballots) || a.ballots.length > MAX_HIVE_WORKERS + 1) return null;
  const ballots = a.ballots.map(parseSeal);
  return ballots.every((b): b is Seal => b !== null) ? { by: 'votes', ballots } : null;
}

function parseHive(v: unknown): HiveEntry | null {
  if (typeof v !== 'object' || v === null) return null;
  const h = v as Record<string, unknown>;
  const workers = h.workers === undefined ? [] : h.workers;
  // Bees from before sizes counted the list.
  const size = h.size === undefined && Array.isArray(workers) ? workers.length : h.size;
  return isBeeId(h.queen) && isId(h.hive) && isCount(h.beat) && isCount(h.term) && isCount(size) && isWorkers(workers)
    ? { queen: h.queen, hive: h.hive, beat: h.beat, term: h.term, size, workers }
    : null;
}

function parseHives(v: unknown): HiveEntry[] | null {
  if (!Array.isArray(v) || v.length > MAX_HIVE_ENTRIES) return null;
  const hives = v.map(parseHive);
  return hives.every((h): h is HiveEntry => h !== null) ? hives : null;
}

/** Serialized limit of a colony config (a colour, a note, the seeder's key and signature). */
export const MAX_CONFIG_BYTES = 2 * 1024;

const isConfig = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && JSON.stringify(v).length <= MAX_CONFIG_BYTES;

const fitsSignal = (v: unknown): boolean => v !== undefined && JSON.stringify(v).length <= MAX_SIGNAL_BYTES;

function parsePayload(v: unknown): Payload | null {
  if (typeof v !== 'object' || v === null) return null;
  const p = v as Record<string, unknown>;
  switch (p.k) {
    case 'data':
      return isId(p.msg) && p.body !== undefined && jsonDepthWithin(p.body, MAX_BODY_DEPTH) ? { k: 'data', msg: p.msg, body: p.body } : null;
    case 'ack':
      return isId(p.msg) ? { k: 'ack', msg: p.msg } : null;
    case 'here':
      return Array.isArray(p.workers) && p.workers.length <= MAX_HIVE_WORKERS && p.workers.every(isBeeId) ? { k: 'here', workers: p.workers } : null;
    case 'elect': {
      const membership = parseMembership(p.membership);
      const seal = parseOptionalSeal(p.seal);
      return membership && seal !== undefined && isCount(p.term) && typeof p.pre === 'boolean'
        ? { k: 'elect', term: p.term, pre: p.pre, membership, seal }
        : null;
    }
    case 'vote': {
      const ballot = parseOptionalSeal(p.ballot);
      return isCount(p.term) && typeof p.pre === 'boolean' && ballot !== undefined ? { k: 'vote', term: p.term, pre: p.pre, ballot } : null;
    }
    case 'queen': {
      const membership = parseMembership(p.membership);
      const authority = parseAuthority(p.authority);
      return membership && authority && isCount(p.term) ? { k: 'queen', term: p.term, membership, authority } : null;
    }
    case 'members': {
      const membership = parseMembership(p.membership);
      const seal = parseSeal(p.seal);
      return membership && seal ? { k: 'members', membership, seal } : null;
    }
    case 'stored':
      return isId(p.hive) && isCount(p.term) && isCount(p.epoch) ? { k: 'stored', hive: p.hive, term: p.term, epoch: p.epoch } : null;
    case 'breed': {
      const membership = parseMembership(p.membership);
      const seal = parseSeal(p.seal);
      return membership && seal ? { k: 'breed', membership, seal } : null;
    }
    case 'move': {
      const membership = p.membership === null ? null : parseMembership(p.membership);
      const seal = parseOptionalSeal(p.seal);
      return isBeeId(p.to) && (p.membership === null) === (membership === null) && seal !== undefined
        ? { k: 'move', to: p.to, membership, seal }
        : null;
    }
    case 'sig':
      return fitsSignal(p.data) ? { k: 'sig', data: p.data } : null;
    case 'later':
      return isCount(p.term) ? { k: 'later', term: p.term } : null;
    case 'evict':
      return isBeeId(p.bee) && (OFFENCES as readonly unknown[]).includes(p.offence) && typeof p.detail === 'string' && p.detail.length <= MAX_DETAIL_CHARS
        ? { k: 'evict', bee: p.bee, offence: p.offence as Offence, detail: p.detail }
        : null;
    default:
      return null;
  }
}

/** The frame in `raw`, or null for anything oversized or malformed. */
export function parseFrame(raw: string): Frame | null {
  if (raw.length > MAX_FRAME_BYTES) return null;
  try {
    return parseFrameValue(JSON.parse(raw));
  } catch {
    return null;
  }
}

/** The frame a JSON value (already parsed, e.g. by a layer that reads fields of its own) holds. */
export function parseFrameValue(value: unknown): Frame | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const f = value as Record<string, unknown>;
  switch (f.t) {
    case 'hb': {
      const hives = parseHives(f.hives);
      return isDigest(f.digest) && hives && isCount(f.term) && isNullableId(f.queen) && (f.hive === null || isId(f.hive)) && isVersion(f.hiveVersion) && isCount(f.uptimeMs) && typeof f.visible === 'boolean' && isCount(f.version) && (f.founder === undefined || isNullableId(f.founder)) && (f.observer === undefined || f.observer === true) && (f.heir === undefined || isBeeId(f.heir))
        ? { t: 'hb', digest: f.digest, hives, term: f.term, queen: f.queen, hive: f.hive as string | null, hiveVersion: f.hiveVersion, uptimeMs: f.uptimeMs, visible: f.visible, version: f.version, ...(f.founder === undefined ? {} : { founder: f.founder }), ...(f.observer === true ? { observer: true as const } : {}), ...(f.heir === undefined ? {} : { heir: f.heir }) }
        : null;
    }
    case 'up':
      return isCount(f.version) && f.version > 0 && isConfig(f.config) && isRoute(f.route) && f.route.length > 0
        ? { t: 'up', version: f.version, config: f.config, route: f.route }
        : null;
    case 'env': {
      const p = parsePayload(f.p);
      // Each hop trades one ttl for one route entry: together they never exceed what a sender may state.
      return p && isId(f.id) && isBeeId(f.from) && (f.to === null || isBeeId(f.to)) && isHops(f.ttl) && isRoute(f.route) && f.route.length > 0 && f.ttl + f.route.length - 1 <= MAX_HOPS && (f.via === undefined || isBeeId(f.via)) && (f.search === undefined || f.search === true)
        ? { t: 'env', id: f.id, from: f.from, to: f.to, ttl: f.ttl, route: f.route, ...(f.via === undefined ? {} : { via: f.via }), ...(f.search === true ? { search: true as const } : {}), p }
        : null;
    }
    case 'bye':
      return { t: 'bye' };
    default:
      return null;
  }
}

export const encodeFrame = (frame: Frame): string => JSON.stringify(frame);
