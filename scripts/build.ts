// `npm run build` builds the app and the server; `--stale` (npm's prepare and prestart, through
// scripts/prepare.mjs) builds only what is missing or older than its sources.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, buildServer, distIsStale, serverIsStale } from '../signaling/build.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const all = !process.argv.includes('--stale');

if (all || distIsStale(ROOT)) {
  console.log('Building the app into dist/…');
  await buildApp(ROOT);
}
if (all || serverIsStale(ROOT)) {
  console.log('Building the server into dist-server/…');
  await buildServer(ROOT);
}
