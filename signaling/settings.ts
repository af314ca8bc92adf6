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
  /** REDIS_URL: share colonies with every other instance on this Redis (docs/deploy.md); null: alone. */
  redisUrl: string | null;
}

/** A setting or a start-up failure explained; main prints its message alone, without a stack. */
export class SettingsError extends Error {}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535) throw new SettingsError(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  return port;
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
  return {
    port: parsePort(env.PORT),
    host: env.HOST || DEFAULT_HOST,
    publicUrl: parsePublicUrl(env.PUBLIC_URL),
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    redisUrl: parseRedisUrl(env.REDIS_URL),
  };
}

/** The reason a listen failed, for the errors a setting or another program causes; null otherwise. */
export function explainListenError(error: unknown, { host, port }: Pick<Settings, 'host' | 'port'>): string | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
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
