// The rest of the single port: /health and the built app with SPA fallback; and no response of
// any endpoint names the software behind it (X-Powered-By).

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_BUILT_TEXT } from './server';
import { beeId, TestBee, within } from './test-bee';
import { serversPerTest } from './test-servers';

const hive = serversPerTest();

const INDEX_HTML = '<!doctype html><title>hive test app</title>';

let distDir = '';
beforeAll(async () => {
  distDir = await mkdtemp(path.join(tmpdir(), 'hivemesh-dist-'));
  await mkdir(path.join(distDir, 'assets'));
  await writeFile(path.join(distDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(distDir, 'assets', 'app.js'), 'console.log("bee");');
});
afterAll(async () => {
  await rm(distDir, { recursive: true, force: true });
});

describe('GET /health', () => {
  it('reports bees, colonies, connections and rejected frames by code', async () => {
    const server = await hive();
    await TestBee.join(server.port, 'demo', beeId(1));
    const { bee } = await TestBee.join(server.port, 'demo', beeId(2));
    bee.send('not json');
    await bee.nextError('ERR_MALFORMED');
    const response = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const health = (await response.json()) as Record<string, unknown>;
    expect(health).toMatchObject({
      ok: true,
      colonies: 1,
      bees: 2,
      connections: 2,
      peerjs: 0,
      // The two bees' sockets and this request's.
      sockets: 3,
      rejected: { ERR_MALFORMED: 1 },
    });
    expect(health.uptimeS).toEqual(expect.any(Number));
  });
});

describe('serving the app', () => {
  it('serves index.html, assets with their types, and the app for unknown page paths', async () => {
    const { port } = await hive({ distDir });
    const get = (url: string) => fetch(`http://127.0.0.1:${port}${url}`);

    const root = await get('/?colony=demo');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await root.text()).toBe(INDEX_HTML);

    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);

    const page = await get('/sim?seed=7');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX_HTML);

    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/signal')).status).toBe(426);
  });

  it('answers 503 with a hint when the app is not built', async () => {
    for (const dir of [undefined, path.join(distDir, 'no-such-dir')]) {
      const { port } = await hive({ distDir: dir });
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe(NOT_BUILT_TEXT);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    }
  });
});

/** The raw response head to `request`, sent as it is (for upgrade refusals, which bypass express). */
function rawResponse(port: number, request: string): Promise<string> {
  return within(
    new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    }),
    'a raw HTTP response',
  );
}

describe('headers', () => {
  it('sends no X-Powered-By from any endpoint, refusals included', async () => {
    const { port } = await hive({ distDir });
    const paths = ['/', '/?colony=demo', '/health', '/signal', '/peerjs', '/peerjs/peerjs/id', '/peerjs/peerjs?key=peerjs', '/assets/app.js', '/assets/missing.js', '/sim'];
    for (const url of paths) {
      const response = await fetch(`http://127.0.0.1:${port}${url}`);
      expect(response.headers.get('x-powered-by'), url).toBeNull();
    }
    const unbuilt = await hive();
    expect((await fetch(`http://127.0.0.1:${unbuilt.port}/`)).headers.get('x-powered-by')).toBeNull();
    const upgrade = (path: string, origin = '') =>
      rawResponse(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${origin}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const refusals = [await upgrade('/elsewhere'), await upgrade('/signal', 'Origin: https://evil.example\r\n')];
    expect(refusals.map((head) => head.split('\r\n', 1)[0])).toEqual(['HTTP/1.1 404 Not Found', 'HTTP/1.1 403 Forbidden']);
    for (const head of refusals) expect(head.toLowerCase()).not.toContain('x-powered-by');
  });

  it('answers plain GETs to both socket endpoints with 426, not the app', async () => {
    const { port } = await hive({ distDir });
    for (const url of ['/signal', '/peerjs', '/peerjs/peerjs/id', '/peerjs/peerjs/peers']) {
      expect((await fetch(`http://127.0.0.1:${port}${url}`)).status, url).toBe(426);
    }
  });
});
