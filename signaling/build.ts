// Build the app when dist/ is missing or older than what it is built from, so `npm start`
// always serves the code in the tree.

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a build reads, relative to the project root; a newer file in any of them makes dist stale. */
export const BUILD_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts'];

function newestMtimeMs(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A directory's own mtime counts too: it changes when a file is deleted or renamed.
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestMtimeMs(path.join(file, name))));
}

export function distIsStale(root: string, distDir = path.join(root, 'dist')): boolean {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) return true;
  const builtMs = statSync(index).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtimeMs(path.join(root, input)) > builtMs);
}

/** `vite build` with the project's own vite.config.ts; output in root/dist. */
export async function buildApp(root: string): Promise<void> {
  // Loaded only when a build is due: starting an up-to-date server stays fast.
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn' });
}
