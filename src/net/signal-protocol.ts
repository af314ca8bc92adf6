// Wire protocol between a bee and the signaling server (JSON text frames over a WebSocket at
// SIGNAL_PATH). Shared by signaling/ and src/net/signaling-client.ts; each side parses what it
// receives with one function at the edge and drops or answers anything else with an error frame.

export const SIGNAL_PATH = '/signal';
/** Largest frame either side accepts, in bytes (an SDP offer is ~1–4 KiB). */
export const MAX_SIGNAL_FRAME_BYTES = 16 * 1024;
/** How many live bees a joining bee is told about. */
export const SAMPLE_SIZE = 6;
/**
 * Deepest nesting a relayed signal may have. An SDP or ICE signal is 3–4 levels deep; 16 KiB of
 * `[[[[…` is 8,000, which JSON.parse takes but JSON.stringify (re-sending it) overflows the stack on.
 */
export const MAX_SIGNAL_DEPTH = 16;

const BEE_ID = /^[0-9a-f]{8,64}$/;
const COLONY = /^[A-Za-z0-9_-]{1,64}$/;
/** A base64url string of `n` characters (the join's key is 43, its proof 86, nonces 43, tokens 22). */
const base64url = (value: unknown, n: number): value is string => typeof value === 'string' && value.length === n && /^[A-Za-z0-9_-]*$/.test(value);
const KEY_CHARS = 43;
const PROOF_CHARS = 86;
const NONCE_CHARS = 43;
const TOKEN_CHARS = 22;

export const isBeeId = (value: unknown): value is string => typeof value === 'string' && BEE_ID.test(value);
export const isColonyName = (value: unknown): value is string =>
  typeof value === 'string' && COLONY.test(value);

/** Whether parsed JSON `value` nests at most `maxDepth` arrays/objects deep (a scalar is 0). */
export function jsonDepthWithin(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (maxDepth === 0) return false;
  // Recursion is bounded by maxDepth, not by the input.
  for (const item of Object.values(value)) if (!jsonDepthWithin(item, maxDepth - 1)) return false;
  return true;
}

/** One STUN or TURN server as RTCIceServer states it; TURN needs username and credential. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The ICE part of an RTCConfiguration the server hands to bees with every welcome. */
export interface IceConfig {
  iceServers: IceServer[];
  /** 'relay': only TURN relay candidates (a network that isolates clients from each other). */
  iceTransportPolicy: 'all' | 'relay';
}

/** More would only slow every peer connection's gathering down. */
export const MAX_ICE_SERVERS = 8;
const MAX_ICE_STRING_CHARS = 512;
const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;

const isIceString = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_ICE_STRING_CHARS;

/** An ICE server list as bees and the server accept it: STUN/TURN URLs and string credentials only, bounded. */
export function parseIceServers(value: unknown): IceServer[] | null {
  if (!Array.isArray(value) || value.length > MAX_ICE_SERVERS) return null;
  const servers: IceServer[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const { urls, username, credential } = item as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ICE_SERVERS) return null;
    if (!list.every((url) => isIceString(url) && ICE_URL.test(url))) return null;
    if ((username !== undefined && !isIceString(username)) || (credential !== undefined && !isIceString(credential))) return null;
    servers.push({ urls: urls as string | string[], ...(username === undefined ? {} : { username }), ...(credential === undefined ? {} : { credential }) });
  }
  return servers;
}

function parseIceConfig(value: unknown): IceConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const { iceServers, iceTransportPolicy } = value as Record<string, unknown>;
  const servers = parseIceServers(iceServers);
  if (servers === null || (iceTransportPolicy !== 'all' && iceTransportPolicy !== 'relay')) return null;
  return { iceServers: servers, iceTransportPolicy };
}

/** Bee → server. */
export type ClientMessage =
  /** Answers the server's challenge: `key` hashes to `bee` and `proof` signs the nonce (join-proof.ts). */
  | { type: 'join'; colony: string; bee: string; key: string; proof: string }
  | { type: 'signal'; to: string; data: unknown }
  /** A joined bee asks for a fresh sample of live bees (to find parts of the colony it lost). */
  | { type: 'sample' };

/** Server → bee. */
export type ServerMessage =
  /** The first frame on every socket: the nonce a join must sign. */
  | { type: 'challenge'; nonce: string }
  /**
   * `token` admits this bee, and only it, to the PeerJS endpoint while this socket is its own.
   * `ice` is what its peer connections use (the server's STUN responder, ICE_SERVERS, TURN
   * credentials); a welcome without it, or with one the bee cannot read, means no ICE servers.
   */
  | { type: 'welcome'; bee: string; colony: string; peers: string[]; token: string; ice?: IceConfig }
  | { type: 'sample'; peers: string[] }
  | { type: 'signal'; from: string; data: unknown }
  | { type: 'left'; bee: string }
  | { type: 'error'; code: SignalErrorCode; message: string };

export type SignalErrorCode =
  | 'ERR_MALFORMED'
  | 'ERR_TOO_LARGE'
  | 'ERR_RATE_LIMIT'
  | 'ERR_NOT_JOINED'
  | 'ERR_ALREADY_JOINED'
  | 'ERR_ID_TAKEN'
  /** The join's key does not hash to its bee id, or its signature does not check out. */
  | 'ERR_BAD_PROOF'
  | 'ERR_UNKNOWN_BEE'
  | 'ERR_COLONY_FULL'
  /** This client address already has its share of the colony (limits.ts). */
  | 'ERR_ADDRESS_FULL'
  | 'ERR_SERVER_FULL'
  /** An upgrade from a web page of another origin (counted only; the answer is HTTP 403). */
  | 'ERR_ORIGIN';

type Parsed<T> = { ok: true; message: T } | { ok: false; code: SignalErrorCode; reason: string };

const fail = (code: SignalErrorCode, reason: string) => ({ ok: false, code, reason }) as const;

function parseJsonObject(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function parseClientMessage(raw: string): Parsed<ClientMessage> {
  if (raw.length > MAX_SIGNAL_FRAME_BYTES) return fail('ERR_TOO_LARGE', `frame over ${MAX_SIGNAL_FRAME_BYTES} bytes`);
  const msg = parseJsonObject(raw);
  if (!msg) return fail('ERR_MALFORMED', 'frame is not a JSON object');
  switch (msg.type) {
    case 'join':
      if (!isColonyName(msg.colony)) return fail('ERR_MALFORMED', 'join.colony must match [A-Za-z0-9_-]{1,64}');
      if (!isBeeId(msg.bee)) return fail('ERR_MALFORMED', 'join.bee must be 8–64 lowercase hex digits');
      if (!base64url(msg.key, KEY_CHARS) || !base64url(msg.proof, PROOF_CHARS)) {
        return fail('ERR_MALFORMED', 'join.key and join.proof must be a base64url Ed25519 key and signature');
      }
      return { ok: true, message: { type: 'join', colony: msg.colony, bee: msg.bee, key: msg.key, proof: msg.proof } };
    case 'signal':
      if (!isBeeId(msg.to)) return fail('ERR_MALFORMED', 'signal.to must be a bee id');
      if (msg.data === undefined || msg.data === null) return fail('ERR_MALFORMED', 'signal.data is missing');
      if (!jsonDepthWithin(msg.data, MAX_SIGNAL_DEPTH)) return fail('ERR_MALFORMED', `signal.data nests deeper than ${MAX_SIGNAL_DEPTH}`);
      return { ok: true, message: { type: 'signal', to: msg.to, data: msg.data } };
    case 'sample':
      return { ok: true, message: { type: 'sample' } };
    default:
      return fail('ERR_MALFORMED', 'unknown message type');
  }
}

const iceOf = (value: unknown): { ice?: IceConfig } => {
  const ice = parseIceConfig(value);
  return ice === null ? {} : { ice };
};

/** The client trusts the server less than fully: anything unexpected is dropped (null). */
export function parseServerMessage(raw: string): ServerMessage | null {
  if (raw.length > MAX_SIGNAL_FRAME_BYTES) return null;
  const msg = parseJsonObject(raw);
  if (!msg) return null;
  switch (msg.type) {
    case 'challenge':
      return base64url(msg.nonce, NONCE_CHARS) ? { type: 'challenge', nonce: msg.nonce } : null;
    case 'welcome':
      return isBeeId(msg.bee) && isColonyName(msg.colony) && Array.isArray(msg.peers) && msg.peers.every(isBeeId) && base64url(msg.token, TOKEN_CHARS)
        ? { type: 'welcome', bee: msg.bee, colony: msg.colony, peers: msg.peers, token: msg.token, ...iceOf(msg.ice) }
        : null;
    case 'sample':
      return Array.isArray(msg.peers) && msg.peers.every(isBeeId) ? { type: 'sample', peers: msg.peers } : null;
    case 'signal':
      return isBeeId(msg.from) && msg.data !== undefined && jsonDepthWithin(msg.data, MAX_SIGNAL_DEPTH)
        ? { type: 'signal', from: msg.from, data: msg.data }
        : null;
    case 'left':
      return isBeeId(msg.bee) ? { type: 'left', bee: msg.bee } : null;
    case 'error':
      return typeof msg.code === 'string' && typeof msg.message === 'string'
        ? { type: 'error', code: msg.code as SignalErrorCode, message: msg.message }
        : null;
    default:
      return null;
  }
}
