// The built app over HTTP: files from dist/ (never source maps), compressed for clients that accept
// it, cached for a year when their name carries a content hash, and the app for any page path (SPA).

import { existsSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type Express, type Response } from 'express';

export const NOT_BUILT_TEXT = 'app not built: run npm run build';
/** Vite names every file under assets/ by its content hash: a new build gives new names. */
export const HASHED_DIR = 'assets';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Pages and unhashed files: the browser may keep them but asks first, so a new build shows at once. */
export const REVALIDATE_CACHE = 'no-cache';

function cacheFor(res: Response, file: string, distDir: string): void {
  const inHashedDir = path.relative(distDir, file).split(path.sep)[0] === HASHED_DIR;
  res.setHeader('Cache-Control', inHashedDir ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
}

/** Static files from distDir; any other GET path that does not name a file gets the app (SPA). */
export function serveApp(app: Express, distDir: string | undefined): void {
  const root = distDir ? path.resolve(distDir) : null;
  const indexFile = root ? path.join(root, 'index.html') : null;
  // gzip or brotli, as the client asks; compression skips what is already small or compressed.
  app.use(compression());
  // Source maps would publish the sources with their comments; a build should not make them, and
  // if one does, they stay on disk.
  app.use((req, res, next) => (path.extname(req.path) === '.map' ? res.sendStatus(404) : next()));
  if (root) app.use(express.static(root, { setHeaders: (res, file) => cacheFor(res, file, root) }));
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Checked per request so a build made while the server runs is picked up.
    if (!indexFile || !existsSync(indexFile)) {
      res.status(503).type('text/plain').send(NOT_BUILT_TEXT);
      return;
    }
    if (path.extname(req.path) !== '') return next(); // a missing asset is a 404, not the app
    res.setHeader('Cache-Control', REVALIDATE_CACHE);
    res.sendFile(indexFile);
  });
}
