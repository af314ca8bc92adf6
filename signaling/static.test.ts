// How the built app travels: compressed, cached by content hash, and without its source maps.

import http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type HiveServer } from './server';
import { IMMUTABLE_CACHE, REVALIDATE_CACHE } from './static';

// Big enough for compression to bother (it skips bodies under 1 KiB).
const APP_JS = `console.log(${JSON.stringify('bee '.repeat(2000))});`;
const INDEX_HTML = '<!doctype html><title>hive test app</title>';

let distDir = '';
let server: HiveServer;
beforeAll(async () => {
  distDir = await mkdtemp(path.join(tmpdir(), 'hivemesh-static-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeFile(path.join(distDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(distDir, 'robots.txt'), 'User-agent: *');
  await writeFile(path.join(distDir, 'assets', 'index-Ab12Cd34.js'), APP_JS);
  await writeFile(path.join(distDir, 'assets', 'index-Ab12Cd34.js.map'), '{"sources":["secret.ts"]}');
  server = await startServer({ port: 0, host: '127.0.0.1', distDir });
});
afterAll(async () => {
  await server.close();
  await rm(distDir, { recursive: true, force: true });
});

/** A raw GET (fetch would undo the compression we want to see). */
function get(url: string, acceptEncoding = ''): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`http://127.0.0.1:${server.port}${url}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
  });
}

describe('compression', () => {
  it('sends brotli to a client that accepts it, and the same bytes once decoded', async () => {
    const { headers, body } = await get('/assets/index-Ab12Cd34.js', 'gzip, deflate, br');
    expect(headers['content-encoding']).toBe('br');
    expect(body.length).toBeLessThan(APP_JS.length / 10);
    expect(brotliDecompressSync(body).toString()).toBe(APP_JS);
  });

  it('sends gzip to a client that accepts only gzip', async () => {
    const { headers, body } = await get('/assets/index-Ab12Cd34.js', 'gzip');
    expect(headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(body).toString()).toBe(APP_JS);
  });

  it('sends plain bytes to a client that accepts no encoding', async () => {
    const { headers, body } = await get('/assets/index-Ab12Cd34.js');
    expect(headers['content-encoding']).toBeUndefined();
    expect(body.toString()).toBe(APP_JS);
  });
});

describe('caching', () => {
  it('lets browsers keep hashed assets for a year without asking again', async () => {
    expect((await get('/assets/index-Ab12Cd34.js')).headers['cache-control']).toBe(IMMUTABLE_CACHE);
  });

  it('makes browsers ask again for pages and unhashed files, so a new build shows at once', async () => {
    for (const url of ['/', '/index.html', '/?colony=demo', '/sim', '/robots.txt']) {
      const { status, headers } = await get(url);
      expect(status, url).toBe(200);
      expect(headers['cache-control'], url).toBe(REVALIDATE_CACHE);
    }
  });
});

describe('source maps', () => {
  it('are not served even when a build left them in dist/', async () => {
    const { status, body } = await get('/assets/index-Ab12Cd34.js.map');
    expect(status).toBe(404);
    expect(body.toString()).not.toContain('secret.ts');
  });
});
