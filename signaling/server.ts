// One HTTP server, one port: the built app, GET /health, the bee signaling socket at SIGNAL_PATH
// and a PeerJS server at /peerjs (for ?transport=peerjs). It only introduces bees.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type WebSocket } from 'ws';
import { SIGNAL_PATH } from '../src/net/signal-protocol';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { fullBucket, takeToken } from './rate-limit';
import { createRelay, refuseUpgrade, type RelayStats } from './relay';
import { NOT_BUILT_TEXT, serveApp } from './static';

export { DEFAULT_LIMITS, NOT_BUILT_TEXT, type Limits };

/** Browser peerjs client options: { host, port, path: PEERJS_PATH, key: PEERJS_KEY }. */
export const PEERJS_PATH = '/peerjs';
export const PEERJS_KEY = 'peerjs';

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The built app (vite's dist/). Without it every page answers 503 NOT_BUILT_TEXT. */
  distDir?: string;
  limits?: Partial<Limits>;
  log?: (line: string) => void;
}

export interface HiveStats extends RelayStats {
  uptimeS: number;
  /** Open PeerJS sockets. */
  peerjs: number;
  /** Open TCP connections of every kind (bounded by maxSockets). */
  sockets: number;
}

export interface HiveServer {
  readonly port: number;
  /** Closes every socket and the listener; safe to call twice. */
  close(): Promise<void>;
  stats(): HiveStats;
}

export async function startServer(options: ServerOptions = {}): Promise<HiveServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const startedMs = performance.now();
  const relay = createRelay({ limits, log });
  const app = express();
  app.disable('x-powered-by');
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check often
  // enough that a silent connection goes within about httpTimeoutMs.
  const server = http.createServer(
    {
      headersTimeout: limits.httpTimeoutMs,
      requestTimeout: limits.httpTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.httpTimeoutMs),
    },
    app,
  );
  server.maxConnections = limits.maxSockets;
  let sockets = 0;
  server.on('connection', (socket) => {
    sockets++;
    socket.once('close', () => sockets--);
  });

  // peer attaches its own ws server with { server, path }, and such a server answers 400 to every
  // upgrade whose path is not its own, killing /signal. Its createWebSocketServer option
  // (peers/peerjs-server#288) lets us hand it a noServer one and route upgrades ourselves.
  const peerWss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  let peerSocketPath = '';
  const peerServer = ExpressPeerServer(server, {
    key: PEERJS_KEY,
    path: '/',
    concurrent_limit: limits.maxBees,
    createWebSocketServer: (wsOptions) => {
      peerSocketPath = wsOptions.path ?? '';
      return peerWss;
    },
  });
  // An express app is an EventEmitter: an unheard 'error' (a peerjs client sending junk) would throw.
  peerServer.on('error', (error) => log(`peerjs: ${error.message}`));

  const stats = (): HiveStats => ({
    uptimeS: Math.round((performance.now() - startedMs) / 1000),
    ...relay.stats(),
    peerjs: peerWss.clients.size,
    sockets,
  });

  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, ...stats() });
  });
  app.get(SIGNAL_PATH, (_req, res) => {
    res.status(426).type('text/plain').send(`${SIGNAL_PATH} is a WebSocket endpoint`);
  });
  app.use(PEERJS_PATH, peerServer); // mounting makes peer create its ws server (path set above)
  if (!peerSocketPath) throw new Error('peer did not create its WebSocket server when mounted');
  serveApp(app, options.distDir);

  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?', 1)[0];
    if (pathname === SIGNAL_PATH) relay.handleUpgrade(req, socket, head);
    else if (pathname === peerSocketPath) {
      peerWss.handleUpgrade(req, socket, head, (ws) => {
        limitRate(ws, limits, () => log('peerjs: terminating a socket over the rate limit'));
        peerWss.emit('connection', ws, req);
      });
    } else refuseUpgrade(socket, 404, 'Not Found');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    relay.close();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    stats,
    // peer 1.0.2 has no stop: its two housekeeping timers keep running (peers/peerjs-server#211),
    // so a process that is done must exit itself (main.ts does).
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        relay.close();
        for (const ws of peerWss.clients) ws.terminate();
        peerWss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/**
 * PeerJS has no rate limit of its own, so its sockets get ours: listeners run in the order they
 * were added, and this one (added before peer's) terminates a socket over the limit at once.
 */
function limitRate(ws: WebSocket, limits: Limits, onLimit: () => void): void {
  const rate = { perS: limits.messagesPerS, burst: limits.messageBurst };
  let bucket = fullBucket(rate, performance.now());
  ws.on('message', () => {
    const taken = takeToken(bucket, rate, performance.now());
    bucket = taken.bucket;
    if (taken.allowed) return;
    onLimit();
    ws.terminate();
  });
}
