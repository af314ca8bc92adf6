// What `npm start` prints: where the app is, on this machine and for the room, each room address
// with a QR code for phones. PUBLIC_URL (a proxy, a tunnel) replaces the LAN addresses.

import dgram from 'node:dgram';
import os from 'node:os';

export const DEMO_QUERY = '?colony=demo';
/** TEST-NET-1 (RFC 5737): never a real host, but routed like the internet, so via the default route. */
const ROUTE_PROBE_ADDRESS = '192.0.2.1';

export interface Welcome {
  lines: string[];
  /** Addresses to draw a QR code for, in order. */
  qr: string[];
}

const pageUrl = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}/${DEMO_QUERY}`;

/**
 * The local IPv4 address the default route leaves from: a laptop's Wi-Fi rather than its VPN or
 * Docker bridge. Connecting a UDP socket sends nothing; it only asks the kernel for a route.
 */
export function defaultRouteAddress(): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const done = (address: string | null) => {
      socket.close();
      resolve(address);
    };
    socket.once('error', () => done(null)); // no default route: an offline machine
    socket.connect(9, ROUTE_PROBE_ADDRESS, () => done(socket.address().address));
  });
}

/** Every non-internal IPv4 address of this machine, the default route's first. */
export function lanAddresses(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
  defaultRoute: string | null = null,
): string[] {
  const all = Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);
  const unique = [...new Set(all)];
  return defaultRoute !== null && unique.includes(defaultRoute)
    ? [defaultRoute, ...unique.filter((address) => address !== defaultRoute)]
    : unique;
}

export function welcome(host: string, port: number, lan: readonly string[], publicUrl: URL | null): Welcome {
  const everywhere = host === '0.0.0.0' || host === '::';
  const loopback = everywhere || host === 'localhost' || host.startsWith('127.') || host === '::1';
  const lines = ['Hivemesh is running.', `  on this machine:  ${pageUrl(loopback ? 'localhost' : host, port)}`];
  let room: string[];
  if (publicUrl !== null) room = [new URL(DEMO_QUERY, publicUrl).href];
  else if (everywhere) room = lan.map((address) => pageUrl(address, port));
  else return { lines, qr: [] };
  if (room.length === 0) {
    lines.push('  no LAN address found: other devices cannot reach this machine.');
    return { lines, qr: [] };
  }
  for (const url of room) lines.push(`  on the network:   ${url}`);
  lines.push('', `Phones and laptops that can reach ${room.length === 1 ? 'it' : 'one of them'} scan a code to join colony "demo":`);
  return { lines, qr: room };
}
