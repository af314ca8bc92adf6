// One HTTP server, one port: the built app, GET /health, the bee signaling socket at SIGNAL_PATH
// and the PeerJS endpoint at /peerjs (for ?transport=peerjs). It only introduces bees. Both
// sockets pass one gate (origin, connection limits) and share one binding of bee ids to proven
// joins (relay.ts, peerjs-relay.ts). With a Redis URL, several such servers share their colonies
// (redis-backplane.ts); without one, this process is the whole colony (backplane.ts).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SIGNAL_PATH, type SignalErrorCode } from '../src/net/signal-protocol';
import { loneBackplane, type BackplaneHealth } from './backplane';
import { Gate } from './gate';
import { DEFAULT_LIMITS, type Limits } from './limits';
import { createPeerJsRelay, PEERJS_KEY, PEERJS_PATH, PEERJS_SOCKET_PATH } from './peerjs-relay';
import { iceForBee, NO_ICE, stunUrl, type IceSettings } from './ice';
import { createRedisBackplane } from './redis-backplane';
import { createRelay, refuseUpgrade, type RelayStats } from './relay';
import { startStunResponder, type StunResponder, type StunStats } from './stun';
import { NOT_BUILT_TEXT, serveApp } from './static';

export { DEFAULT_LIMITS, NOT_BUILT_TEXT, PEERJS_KEY, PEERJS_PATH, type Limits };

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The built app (vite's dist/). Without it every page answers 503 NOT_BUILT_TEXT. */
  distDir?: string;
  limits?: Partial<Limits>;
  /**
   * Web origins besides the app's own (Origin host = Host) whose pages may open /signal and
   * /peerjs sockets, e.g. ["https://school.example"]; ALLOWED_ORIGINS in main.ts.
   */
  allowedOrigins?: readonly string[];
  /**
   * UDP port of the embedded STUN responder, handed to bees as their first ICE server: the HTTP
   * port's number when absent, 0 for any free port, null for none (STUN_PORT in main.ts).
   */
  stunPort?: number | null;
  /** ICE servers besides the STUN responder, for every bee's welcome (ice.ts). */
  ice?: IceSettings;
  /** Share colonies with every other server on this Redis (REDIS_URL in main.ts). */
  redisUrl?: string;
  log?: (line: string) => void;
}

export interface HiveStats extends RelayStats {
  uptimeS: number;
  /** Open PeerJS sockets. */
  peerjs: number;
  /** Open TCP connections of every kind (bounded by maxSockets). */
  sockets: number;
  /** Refusals by code, at both endpoints. */
  rejected: Partial<Record<SignalErrorCode, number>>;
  /** The STUN responder's counts; null when it is off. */
  stun: StunStats | null;
  /** Bees here are all there is ('none'), or whether the instances' shared Redis is reachable. */
  backplane: BackplaneHealth;
}

export interface HiveServer {
  readonly port: number;
  /** The STUN responder's UDP port, or null when it is off. */
  readonly stunPort: number | null;
  /** Closes every socket and the listener; safe to call twice. */
  close(): Promise<void>;
  stats(): HiveStats;
}

export async function startServer(options: ServerOptions = {}): Promise<HiveServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => {});
  const startedMs = performance.now();
  const rejected: Partial<Record<SignalErrorCode, number>> = {};
  const count = (code: SignalErrorCode) => {
    rejected[code] = (rejected[code] ?? 0) + 1;
  };
  let stun: StunResponder | null = null;
  const ice = options.ice ?? NO_ICE;
  const backplane = options.redisUrl
    ? await createRedisBackplane({ url: options.redisUrl, maxBeesPerColony: limits.maxBeesPerColony, log })
    : loneBackplane();
  const relay = createRelay({
    limits,
    log,
    count,
    backplane,
    ice: (hostHeader, bee) => iceForBee(ice, stun && stunUrl(hostHeader, stun.port), bee, Date.now() / 1000),
  });
  const peerjs = createPeerJsRelay({ limits, log, count, admit: relay.admitPeerJs, backplane });
  backplane.attach({ ...relay.beyond, ...peerjs.beyond });
  const gate = new Gate(limits, options.allowedOrigins ?? []);
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

  const stats = (): HiveStats => ({
    uptimeS: Math.round((performance.now() - startedMs) / 1000),
    ...relay.stats(),
    peerjs: peerjs.connections,
    sockets,
    rejected: { ...rejected },
    stun: stun?.stats() ?? null,
    backplane: backplane.health(),
  });

  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, ...stats() });
  });
  for (const endpoint of [SIGNAL_PATH, PEERJS_PATH]) {
    app.use(endpoint, (_req, res) => {
      res.status(426).type('text/plain').send(`${endpoint} is a WebSocket endpoint`);
    });
  }
  serveApp(app, options.distDir);

  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?', 1)[0];
    const endpoint = pathname === SIGNAL_PATH ? relay : pathname === PEERJS_SOCKET_PATH ? peerjs : null;
    if (!endpoint) return refuseUpgrade(socket, 404, 'Not Found');
    const refusal = gate.check(req, relay.stats().connections + peerjs.connections);
    if (!refusal) return endpoint.handleUpgrade(req, socket, head);
    count(refusal.code);
    refuseUpgrade(socket, refusal.status, refusal.reason);
  });

  const stop = () => {
    relay.close();
    peerjs.close();
    void stun?.close();
    return backplane.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const stunPort = options.stunPort === undefined ? (server.address() as AddressInfo).port : options.stunPort;
    if (stunPort !== null) stun = await startStunResponder({ port: stunPort, host: options.host });
  } catch (error) {
    server.close();
    await stop();
    throw error;
  }

  let closing: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    stunPort: stun?.port ?? null,
    stats,
    close: () =>
      (closing ??= Promise.all([
        stop(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]).then(() => {})),
  };
}
