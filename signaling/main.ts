// `npm start`: serve the built app with signaling on one port (PORT, HOST), and show the room how
// to reach it: LAN URLs (or PUBLIC_URL) and a QR code for each. Built by `npm run build` into
// dist-server/main.js; run from there it needs production dependencies only.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import { startServer } from './server';
import { explainListenError, readSettings, SettingsError } from './settings';
import { defaultRouteAddress, lanAddresses, welcome } from './welcome';

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = path.join(root, 'dist');

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const { host, port, allowedOrigins, redisUrl, stunPort, ice } = settings;
  const hive = await startServer({ port, host, distDir, allowedOrigins, stunPort, ice, ...(redisUrl ? { redisUrl } : {}), log: (line) => console.log(line) }).catch((error: unknown) => {
    const why = explainListenError(error, settings);
    throw why === null ? error : new SettingsError(why);
  });
  const { lines, qr } = welcome(host, hive.port, lanAddresses(undefined, await defaultRouteAddress()), settings.publicUrl);
  // Browsers that hide their LAN address (Chrome) link only through it: a firewall must let it in.
  if (hive.stunPort !== null) lines.splice(2, 0, `  STUN (UDP):       port ${hive.stunPort}, for the tabs' WebRTC links`);
  console.log(lines.join('\n'));
  for (const url of qr) qrcode.generate(url, { small: true }, (code) => console.log(`${url}\n${code}`));

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
  console.error(error instanceof SettingsError ? error.message : error);
  process.exit(1);
});
