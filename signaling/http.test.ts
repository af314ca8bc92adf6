// The rest of the single port: /health, the built app with SPA fallback, and the PeerJS server,
// whose WebSocket must work side by side with /signal.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NOT_BUILT_TEXT, PEERJS_KEY, PEERJS_PATH, startServer, type HiveServer } from './server';
import { beeId, TestBee, within } from './test-bee';

const servers: HiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function hive(distDir?: string): Promise<HiveServer> {
  const server = await startServer({ port: 0, host: '127.0.0.1', distDir });
  servers.push(server);
  return server;
}

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
    const { port } = await hive(distDir);
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
      const { port } = await hive(dir);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe(NOT_BUILT_TEXT);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    }
  });
});

/** A raw PeerJS client socket, opened the way the peerjs browser client opens it. */
async function peerjsSocket(port: number, id: string, key = PEERJS_KEY) {
  const query = `key=${key}&id=${id}&token=token-${id}&version=1.5.5`;
  const socket = new WebSocket(`ws://127.0.0.1:${port}${PEERJS_PATH}/peerjs?${query}`);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  const next = (type: string) =>
    within(
      (async () => {
        for (;;) {
          const index = frames.findIndex((f) => f.type === type);
          if (index >= 0) return frames.splice(index, 1)[0]!;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      })(),
      `a PeerJS ${type} frame`,
    );
  return { socket, next };
}

describe('PeerJS on the same port', () => {
  it('opens PeerJS sockets and relays an offer while bees signal over /signal', async () => {
    const server = await hive(distDir);
    const [alice, bob] = await Promise.all([peerjsSocket(server.port, 'alice'), peerjsSocket(server.port, 'bob')]);
    const [a, b] = await Promise.all([
      TestBee.join(server.port, 'demo', beeId(1)),
      TestBee.join(server.port, 'demo', beeId(2)),
    ]);
    expect(await alice.next('OPEN')).toEqual({ type: 'OPEN' });
    expect(await bob.next('OPEN')).toEqual({ type: 'OPEN' });

    alice.socket.send(JSON.stringify({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0' } }));
    a.bee.send({ type: 'signal', to: beeId(2), data: { sdp: 'v=0' } });
    expect(await bob.next('OFFER')).toEqual({ type: 'OFFER', src: 'alice', dst: 'bob', payload: { sdp: 'v=0' } });
    expect(await b.bee.nextSignal(beeId(1))).toMatchObject({ data: { sdp: 'v=0' } });
    expect(server.stats()).toMatchObject({ peerjs: 2, connections: 2, bees: 2 });

    const peerjsInfo = await fetch(`http://127.0.0.1:${server.port}${PEERJS_PATH}`);
    expect(await peerjsInfo.json()).toMatchObject({ name: 'PeerJS Server' });
    const id = await fetch(`http://127.0.0.1:${server.port}${PEERJS_PATH}/${PEERJS_KEY}/id`);
    expect(await id.text()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a wrong PeerJS key and survives junk on the PeerJS socket', async () => {
    const server = await hive();
    const wrongKey = await peerjsSocket(server.port, 'mallory', 'nope');
    expect(await wrongKey.next('ERROR')).toMatchObject({ payload: { msg: 'Invalid key provided' } });
    const junk = await peerjsSocket(server.port, 'trudy');
    await junk.next('OPEN');
    junk.socket.send('{not json');
    junk.socket.send('null');
    const a = await TestBee.join(server.port, 'demo', beeId(1));
    const b = await TestBee.join(server.port, 'demo', beeId(2));
    a.bee.send({ type: 'signal', to: beeId(2), data: 'unbothered' });
    expect(await b.bee.nextSignal(beeId(1))).toMatchObject({ data: 'unbothered' });
  });

  it('drops a PeerJS socket that floods the server', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', limits: { messagesPerS: 0.001, messageBurst: 2 } });
    servers.push(server);
    const flooder = await peerjsSocket(server.port, 'flooder');
    await flooder.next('OPEN');
    const closed = new Promise((resolve) => flooder.socket.once('close', resolve));
    for (let i = 0; i < 3; i++) flooder.socket.send(JSON.stringify({ type: 'HEARTBEAT' }));
    await within(closed, 'the flooding PeerJS socket to close');
    const calm = await peerjsSocket(server.port, 'calm');
    await calm.next('OPEN');
  });

  it('refuses WebSocket upgrades on any other path without disturbing the others', async () => {
    const server = await hive();
    await expect(TestBee.open(server.port, '/elsewhere')).rejects.toThrow(/404/);
    const peer = await peerjsSocket(server.port, 'carol');
    await peer.next('OPEN');
    const joined = await TestBee.join(server.port, 'demo', beeId(1));
    expect(joined.peers).toEqual([]);
  });
});
