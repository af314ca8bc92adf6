// Where the e2e tests find the app. Read by playwright.config.ts and, through the inherited
// environment, by every worker, so both always agree.
import { networkInterfaces } from 'node:os';

const DEFAULT_PORT = 8091;

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT=${raw} is not a TCP port`);
  return port;
}

function firstLanIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((net) => net !== undefined && net.family === 'IPv4' && !net.internal)?.address;
}

export const port = portFromEnv(process.env.PORT);
/** Set by scripts/in-netns.sh when the run has a network namespace of its own. */
export const inNetns = process.env.HIVE_NETNS === '1';
export const lanHost: string | undefined = process.env.HIVE_LAN_HOST || firstLanIPv4();

/** A secure context (loopback), where WebCrypto exists. */
export const loopbackURL = `http://127.0.0.1:${port}`;
/** Not a secure context: the classroom case, where crypto.subtle and crypto.randomUUID are missing. */
export const lanURL: string | undefined = lanHost === undefined ? undefined : `http://${lanHost}:${port}`;
/** Inside the namespace every test runs from the LAN origin, the harder of the two. */
export const baseURL = inNetns && lanURL !== undefined ? lanURL : loopbackURL;
