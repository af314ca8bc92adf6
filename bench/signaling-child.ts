// A signaling server in a process of its own, so its memory is its own: either the real one
// (signaling/server.ts, as `npm start` runs it but without the app files), the real one with the
// per-address limits lifted (for the fuzz, whose one address plays every client), or the
// baseline, a bare ws server on the same path that sends the same challenge, answers every join
// with a welcome without checking it, and relays nothing. Forked by bench/signaling.ts and
// bench/signaling-abuse.ts with --expose-gc; talks over the IPC channel.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startServer, type HiveServer, type HiveStats } from '../signaling/server.ts';
import { SIGNAL_PATH } from '../src/net/signal-protocol.ts';

/** 'shared': the real server on the Redis given as the next argument (one of several instances). */
export type ServerKind = 'hive' | 'fuzz' | 'bare' | 'shared';
export type ChildRequest = { type: 'usage' } | { type: 'stats' };
export interface Usage {
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time the server process has used so far, user + system. */
  cpuMicros: number;
  logLines: number;
}
export type ChildReply =
  | { type: 'listening'; port: number }
  | ({ type: 'usage' } & Usage)
  | { type: 'stats'; stats: HiveStats; internalErrors: number };

const kind = process.argv[2] as ServerKind;
let logLines = 0;
let internalErrors = 0;
let server: HiveServer | null = null;

async function bare(): Promise<number> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: SIGNAL_PATH });
  wss.on('connection', (socket) => {
    socket.send(JSON.stringify({ type: 'challenge', nonce: 'n'.repeat(43) }));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type?: string };
      // A join gets a welcome; anything else comes back as it is (the sender is its own peer).
      socket.send(frame.type === 'join' ? JSON.stringify({ type: 'welcome', peers: [] }) : String(data));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function hive(limits = {}, redisUrl?: string): Promise<number> {
  // The real server logs every join; counting the lines keeps that cost out of a terminal's way.
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    limits,
    ...(redisUrl ? { redisUrl } : {}),
    log: (line) => {
      logLines++;
      if (line.includes('internal error')) internalErrors++;
    },
  });
  return server.port;
}

const FUZZ_LIMITS = { connectionsPerS: 1e6, connectionBurst: 1e6, maxBeesPerColonyPerAddress: 1e6 };

const send = (reply: ChildReply) => process.send?.(reply);

process.on('message', (request: ChildRequest) => {
  if (request.type === 'stats') {
    if (server) send({ type: 'stats', stats: server.stats(), internalErrors });
    return;
  }
  const { user, system } = process.cpuUsage();
  // Collect first (after reading the CPU) so heap figures are live data, not garbage waiting for the next cycle.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  send({ type: 'usage', rssBytes: rss, heapUsedBytes: heapUsed, cpuMicros: user + system, logLines });
});

send({ type: 'listening', port: kind === 'bare' ? await bare() : await hive(kind === 'fuzz' ? FUZZ_LIMITS : {}, process.argv[3]) });
