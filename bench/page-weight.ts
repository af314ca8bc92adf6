// What each page makes a browser download, from the build in dist/: JavaScript and CSS, raw,
// gzip and brotli (what the server sends). `npx tsx bench/page-weight.ts` after `npm run build`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const DIST = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist');
/** Each page: the entry's static imports plus the chunks it loads on demand (by chunk name). */
const PAGES: Record<string, string[]> = {
  'bee tab (/?colony=demo, simple-peer)': ['simple-peer'],
  'bee tab in a passphrase colony': ['simple-peer', 'passphrase-kit'],
  'bee tab with ?transport=peerjs': ['peerjs'],
  'projector (?view=hive)': ['simple-peer', 'Projector'],
  'simulator (/sim)': ['mount-sim'],
};

const read = (file: string) => readFileSync(join(DIST, file));

/** A chunk and everything it imports statically, as paths under dist/. */
function closure(file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  const code = read(file).toString();
  for (const [, name] of code.matchAll(/(?:import|from)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) closure(`assets/${name}`, into);
  return into;
}

const html = read('index.html').toString();
const entry = /<script type="module" crossorigin src="\/([^"]+)"/.exec(html)?.[1];
if (!entry) throw new Error('dist/index.html has no module script: run npm run build');
const css = [...html.matchAll(/<link rel="stylesheet" crossorigin href="\/([^"]+)"/g)].map((m) => m[1]!);
const assets = readFileSync(join(DIST, entry)).toString();
const dynamic = (name: string) => {
  const file = new RegExp(`["'\`]\\./(${name}-[\\w-]+\\.js)["'\`]`).exec(assets)?.[1];
  if (!file) throw new Error(`no ${name} chunk imported by ${entry}`);
  return `assets/${file}`;
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log('| page | JS | JS gzip | JS brotli | CSS gzip |\n|---|---|---|---|---|');
for (const [page, lazy] of Object.entries(PAGES)) {
  const js = new Set<string>();
  for (const file of [entry, ...lazy.map(dynamic)]) closure(file, js);
  const code = Buffer.concat([...js].map(read));
  const style = Buffer.concat(css.map(read));
  console.log(`| ${page} | ${kb(code.length)} | ${kb(gzipSync(code).length)} | ${kb(brotliCompressSync(code).length)} | ${kb(gzipSync(style).length)} |`);
}
