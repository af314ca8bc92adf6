import { isTurn, type IceSettings } from './ice';
import { parseIceServers } from '../src/net/signal-protocol';

// What `npm start` reads from its environment, checked before anything starts, and what a failed
// listen means in words a person deploying it can act on.

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';

export interface Settings {
  port: number;
  host: string;
  /** The address people reach the app at (a proxy, a tunnel), printed instead of LAN addresses. */
  publicUrl: URL | null;
  /** Web origins besides the app's own whose pages may open signaling sockets (ServerOptions.allowedOrigins). */
  allowedOrigins: string[];
  /** UDP port of the embedded STUN responder (STUN_PORT; PORT's number by default), or null: off. */
  stunPort: number | null;
  ice: IceSettings;
  /** REDIS_URL: share colonies with every other instance on this Redis (docs/deploy.md); null: alone. */
  redisUrl: string | null;
}

/** A setting or a start-up failure explained; main prints its message alone, without a stack. */
export class SettingsError extends Error {}

function parsePort(value: string | undefined, name = 'PORT', fallback = DEFAULT_PORT): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535) throw new SettingsError(`${name} must be a whole number from 0 to 65535, got "${value}"`);
  return port;
}

/** STUN_PORT: "off", or a UDP port (PORT's number when unset). */
const parseStunPort = (value: string | undefined, port: number): number | null => (value === 'off' ? null : parsePort(value, 'STUN_PORT', port));

/** ICE_SERVERS (a JSON RTCIceServer list), ICE_TRANSPORT_POLICY and TURN_SECRET, checked together. */
function parseIce(env: NodeJS.ProcessEnv): IceSettings {
  let json: unknown = [];
  try {
    if (env.ICE_SERVERS) json = JSON.parse(env.ICE_SERVERS);
  } catch {
    json = null;
  }
  const iceServers = parseIceServers(json);
  if (iceServers === null) {
    throw new SettingsError(`ICE_SERVERS must be a JSON list like [{"urls":"turn:turn.school.example:3478","username":"…","credential":"…"}] (stun:/turn:/turns: URLs, at most 8), got ${JSON.stringify(env.ICE_SERVERS)}`);
  }
  const policy = env.ICE_TRANSPORT_POLICY || 'all';
  if (policy !== 'all' && policy !== 'relay') throw new SettingsError(`ICE_TRANSPORT_POLICY must be "all" or "relay", got "${policy}"`);
  const turnSecret = env.TURN_SECRET || null;
  const turn = iceServers.filter(isTurn);
  // Browsers refuse a TURN server without both (Chromium: "Both username and credential are required").
  const bare = turn.find((server) => server.username === undefined || server.credential === undefined);
  if (bare && turnSecret === null) throw new SettingsError(`ICE_SERVERS: ${JSON.stringify(bare.urls)} needs "username" and "credential", or set TURN_SECRET`);
  if (turnSecret !== null && !bare) throw new SettingsError('TURN_SECRET is set but no turn: entry in ICE_SERVERS is without a credential to make one for');
  if (policy === 'relay' && turn.length === 0) throw new SettingsError('ICE_TRANSPORT_POLICY=relay needs a turn: server in ICE_SERVERS');
  return { iceServers, iceTransportPolicy: policy, turnSecret };
}

function parsePublicUrl(value: string | undefined): URL | null {
  if (value === undefined || value === '') return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new SettingsError(`PUBLIC_URL must be an http:// or https:// address, got "${value}"`);
  }
  return url;
}

/** ALLOWED_ORIGINS: origins, comma- or space-separated, e.g. "https://school.example,http://10.0.0.5:8080". */
function parseAllowedOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(/[\s,]+/).filter((origin) => origin !== '');
  return origins.map((origin) => {
    const url = URL.canParse(origin) ? new URL(origin) : null;
    if ((url?.protocol !== 'http:' && url?.protocol !== 'https:') || url.pathname.length > 1 || url.search || url.hash) {
      throw new SettingsError(`ALLOWED_ORIGINS must list origins like https://school.example or http://10.0.0.5:8080, got "${origin}"`);
    }
    return url.origin;
  });
}

function parseRedisUrl(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (url?.protocol !== 'redis:' && url?.protocol !== 'rediss:') {
    throw new SettingsError(`REDIS_URL must be a redis:// or rediss:// address, got "${value}"`);
  }
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const port = parsePort(env.PORT);
  return {
    port,
    stunPort: parseStunPort(env.STUN_PORT, port),
    ice: parseIce(env),
    host: env.HOST || DEFAULT_HOST,
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    redisUrl: parseRedisUrl(env.REDIS_URL),
  };
}

/** The reason a listen failed, for the errors a setting or another program causes; null otherwise. */
export function explainListenError(error: unknown, { host, port, stunPort = port }: Pick<Settings, 'host' | 'port'> & Partial<Pick<Settings, 'stunPort'>>): string | null {
  const failed = error as NodeJS.ErrnoException | null;
  // A UDP bind is the STUN responder's (the HTTP server listens).
  if (failed?.syscall === 'bind' && failed.code === 'EADDRINUSE') {
    return `UDP port ${stunPort} (the STUN responder) is already in use on ${host}: start with STUN_PORT=<another port>, or STUN_PORT=off.`;
  }
  switch (failed?.code) {
    case 'EADDRINUSE':
      return `Port ${port} is already in use on ${host} (another Hivemesh?): stop it, or start with PORT=<another port>.`;
    case 'EACCES':
      return `Not allowed to listen on port ${port}: ports below 1024 need privileges; use PORT=8080 or above.`;
    case 'EADDRNOTAVAIL':
      return `HOST=${host} is not an address of this machine: use 0.0.0.0 (every interface) or one of its own addresses.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `HOST=${host} is not a name this machine can resolve: use 0.0.0.0, localhost or an IP address.`;
    default:
      return null;
  }
}
