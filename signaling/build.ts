// Builds the app (dist/, public) and the server (dist-server/, compiled JavaScript that runs with
// production dependencies only) when either is missing or older than what it is built from, so
// `npm start` always serves the code in the tree. Needs the dev dependencies (vite).

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the app's build reads, relative to the project root; a newer file in any makes dist stale. */
export const BUILD_INPUTS = ['src', 'packages', 'public', 'index.html', 'vite.config.ts'];
/** What the server's build reads: its own sources, the wire protocol it shares with src/, its deps. */
export const SERVER_INPUTS = ['signaling', 'src', 'package.json'];
/** Outside dist/, which is served to anyone: the server's code is not the page's business. */
export const SERVER_DIR = 'dist-server';
export const SERVER_ENTRY = path.join(SERVER_DIR, 'main.js');

function newestMtimeMs(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A directory's own mtime counts too: it changes when a file is deleted or renamed.
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestMtimeMs(path.join(file, name))));
}

function isStale(root: string, output: string, inputs: readonly string[]): boolean {
  if (!existsSync(output)) return true;
  const builtMs = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtimeMs(path.join(root, input)) > builtMs);
}

export function distIsStale(root: string, distDir = path.join(root, 'dist')): boolean {
  return isStale(root, path.join(distDir, 'index.html'), BUILD_INPUTS);
}

export function serverIsStale(root: string): boolean {
  return isStale(root, path.join(root, SERVER_ENTRY), SERVER_INPUTS);
}

/** `vite build` with the project's own vite.config.ts; output in root/dist. */
export async function buildApp(root: string): Promise<void> {
  // Loaded only when a build is due: starting an up-to-date server stays fast.
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn' });
}

/** signaling/main.ts as one ES module for Node; npm packages stay imports (production dependencies). */
export async function buildServer(root: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: path.join(root, 'signaling', 'main.ts'),
      outDir: path.join(root, SERVER_DIR),
      emptyOutDir: true,
      target: 'node20',
      sourcemap: false,
    },
  });
}
