// `npm start`: build the app if needed, serve it with signaling on one port (PORT, HOST), and
// show the room how to reach it: LAN URLs and a QR code for phones.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import { buildApp, distIsStale } from './build';
import { parseAllowedOrigins } from './gate';
import { startServer } from './server';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '0.0.0.0';
const DEMO_QUERY = '?colony=demo';

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = path.join(root, 'dist');

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be 0–65535, got "${value}"`);
  return port;
}

function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal)
    .map((address) => address.address);
}

const pageUrl = (host: string, port: number) =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}/${DEMO_QUERY}`;

function printWelcome(host: string, port: number): void {
  const everywhere = host === '0.0.0.0' || host === '::';
  const loopback = everywhere || host === 'localhost' || host.startsWith('127.') || host === '::1';
  console.log('Hivemesh is running.');
  console.log(`  on this machine:  ${pageUrl(loopback ? 'localhost' : host, port)}`);
  if (!everywhere) return;
  const lan = lanAddresses().map((address) => pageUrl(address, port));
  if (lan.length === 0) {
    console.log('  no LAN address found: other devices cannot reach this machine.');
    return;
  }
  for (const url of lan) console.log(`  on the network:   ${url}`);
  console.log(`\nPhones and laptops on the same network can scan this to join colony "demo" (${lan[0]}):`);
  qrcode.generate(lan[0]!, { small: true }, (code) => console.log(code));
}

async function main(): Promise<void> {
  const port = parsePort(process.env.PORT);
  const host = process.env.HOST || DEFAULT_HOST;
  if (distIsStale(root, distDir)) {
    console.log('Building the app (dist/ is missing or older than its sources)…');
    await buildApp(root);
  }
  const allowedOrigins = parseAllowedOrigins(process.env.ALLOWED_ORIGINS);
  const hive = await startServer({ port, host, distDir, allowedOrigins, log: (line) => console.log(line) });
  printWelcome(host, hive.port);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    console.log(`\n${signal}: closing…`);
    void hive.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
