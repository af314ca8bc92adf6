// The /signal endpoint: colony presence and signal relay between bees, every input limited.
// Like y-webrtc's server it knows colonies and signals, nothing of queens. A misbehaving socket
// costs only itself: it gets error frames, then is closed; other bees never notice.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  SAMPLE_SIZE,
  parseClientMessage,
  type ClientMessage,
  type ServerMessage,
  type SignalErrorCode,
} from '../src/net/signal-protocol';
import { Colonies } from './colonies';
import type { Limits } from './limits';
import { fullBucket, KeyedBuckets, takeToken, type Bucket, type Rate } from './rate-limit';

/** Client addresses whose connection rate is tracked (about 100 bytes each). */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Close codes the server uses; an error frame saying why precedes each. */
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_LATER = 1013;
/** The same bee joined again on a newer socket. */
export const CLOSE_REPLACED = 4000;

export interface RelayStats {
  colonies: number;
  bees: number;
  connections: number;
  rejected: Partial<Record<SignalErrorCode, number>>;
}

export interface Relay {
  /** Take over an upgrade request for the signal path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): RelayStats;
  /** Terminate every socket and stop the liveness timer. */
  close(): void;
}

interface Session {
  readonly socket: WebSocket;
  joined: { colony: string; bee: string } | null;
  bucket: Bucket;
  errors: number;
  /** Answered the last ping. */
  alive: boolean;
  joinTimer: NodeJS.Timeout;
}

export interface RelayOptions {
  limits: Limits;
  log: (line: string) => void;
}

/** Answer an upgrade request with a plain HTTP status and drop the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const toBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

export function createRelay({ limits, log }: RelayOptions): Relay {
  const colonies = new Colonies<Session>(limits);
  const sessions = new Set<Session>();
  const rejected: Partial<Record<SignalErrorCode, number>> = {};
  const rate: Rate = { perS: limits.messagesPerS, burst: limits.messageBurst };
  const connectionsByAddress = new KeyedBuckets({ perS: limits.connectionsPerS, burst: limits.connectionBurst }, MAX_TRACKED_ADDRESSES);
  // noServer: the HTTP server routes upgrades by path (see server.ts); maxPayload makes ws refuse
  // giant frames before buffering them.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: limits.maxPayloadBytes });
  const pingTimer = setInterval(checkLiveness, limits.pingIntervalMs);

  const describe = (session: Session) =>
    session.joined ? `bee ${session.joined.bee} of ${session.joined.colony}` : 'unjoined socket';
  const count = (code: SignalErrorCode) => {
    rejected[code] = (rejected[code] ?? 0) + 1;
  };

  function send(session: Session, message: ServerMessage): void {
    const { socket } = session;
    if (socket.readyState !== socket.OPEN) return;
    // A bee that does not read its socket would make us buffer without bound: let it go.
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      log(`terminating ${describe(session)}: ${socket.bufferedAmount} bytes unread`);
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(message));
  }

  function sendError(session: Session, code: SignalErrorCode, message: string): void {
    count(code);
    send(session, { type: 'error', code, message });
  }

  function reject(session: Session, code: SignalErrorCode, message: string): void {
    sendError(session, code, message);
    // Signalling a bee that has just left is an ordinary race, not abuse.
    if (code === 'ERR_UNKNOWN_BEE') return;
    if (++session.errors === limits.maxErrorsPerSocket) {
      log(`closing ${describe(session)} after ${session.errors} rejected frames`);
      session.socket.close(CLOSE_POLICY, 'too many rejected frames');
    }
  }

  function onFrame(session: Session, data: RawData, isBinary: boolean): void {
    // ws still hands over frames that were in flight when we closed a socket: nothing it sent
    // after being shown the door is acted on (or counted).
    if (session.socket.readyState !== session.socket.OPEN) return;
    const taken = takeToken(session.bucket, rate, performance.now());
    session.bucket = taken.bucket;
    if (!taken.allowed) return reject(session, 'ERR_RATE_LIMIT', `more than ${rate.perS} frames/s`);
    if (isBinary) return reject(session, 'ERR_MALFORMED', 'binary frames are not accepted');
    const bytes = toBuffer(data);
    if (bytes.length > limits.maxFrameBytes) {
      return reject(session, 'ERR_TOO_LARGE', `frame over ${limits.maxFrameBytes} bytes`);
    }
    const parsed = parseClientMessage(bytes.toString('utf8'));
    if (!parsed.ok) return reject(session, parsed.code, parsed.reason);
    if (parsed.message.type === 'join') onJoin(session, parsed.message);
    else if (parsed.message.type === 'sample') onSample(session);
    else onSignal(session, parsed.message);
  }

  function onJoin(session: Session, { colony, bee }: Extract<ClientMessage, { type: 'join' }>): void {
    if (session.joined) return reject(session, 'ERR_ALREADY_JOINED', `already joined as ${session.joined.bee}`);
    const result = colonies.join(colony, bee, session);
    if (!result.ok) {
      sendError(session, result.code, `no room for bee ${bee} in colony ${colony}`);
      session.socket.close(CLOSE_TRY_LATER, result.code);
      return;
    }
    clearTimeout(session.joinTimer);
    session.joined = { colony, bee };
    // The same id again: a reloading tab keeps its bee id, and its old socket may not have died
    // yet (a closed tab often sends no close). So the newest socket wins; the old one is told why
    // and closed, and its close announces no departure because the bee is still here.
    const replaced = result.replaced;
    if (replaced) {
      replaced.joined = null;
      sendError(replaced, 'ERR_ID_TAKEN', `bee ${bee} joined again from another connection`);
      replaced.socket.close(CLOSE_REPLACED, 'replaced by a newer connection');
    }
    log(`${describe(session)} joined (${colonies.members(colony).size} bees)`);
    send(session, { type: 'welcome', bee, colony, peers: colonies.sample(colony, bee, SAMPLE_SIZE) });
  }

  function onSample(session: Session): void {
    if (!session.joined) return reject(session, 'ERR_NOT_JOINED', 'join a colony before asking for bees');
    const { colony, bee } = session.joined;
    send(session, { type: 'sample', peers: colonies.sample(colony, bee, SAMPLE_SIZE) });
  }

  function onSignal(session: Session, { to, data }: Extract<ClientMessage, { type: 'signal' }>): void {
    if (!session.joined) return reject(session, 'ERR_NOT_JOINED', 'join a colony before signalling');
    const target = colonies.get(session.joined.colony, to);
    if (!target) return reject(session, 'ERR_UNKNOWN_BEE', `bee ${to} is not in colony ${session.joined.colony}`);
    send(target, { type: 'signal', from: session.joined.bee, data });
  }

  function onClose(session: Session): void {
    sessions.delete(session);
    clearTimeout(session.joinTimer);
    const joined = session.joined;
    if (!joined || !colonies.leave(joined.colony, joined.bee, session)) return;
    log(`${describe(session)} left`);
    for (const other of colonies.members(joined.colony).values()) send(other, { type: 'left', bee: joined.bee });
  }

  function onSocketError(session: Session, error: Error & { code?: string }): void {
    // ws reports frames that break the WebSocket protocol here, then closes the socket itself.
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') count('ERR_TOO_LARGE');
    else if (error.code?.startsWith('WS_ERR_')) count('ERR_MALFORMED');
    log(`${describe(session)}: ${error.message}`);
  }

  function accept(socket: WebSocket): void {
    const session: Session = {
      socket,
      joined: null,
      bucket: fullBucket(rate, performance.now()),
      errors: 0,
      alive: true,
      joinTimer: setTimeout(() => {
        sendError(session, 'ERR_NOT_JOINED', `no join within ${limits.joinTimeoutMs} ms`);
        socket.close(CLOSE_POLICY, 'join timeout');
      }, limits.joinTimeoutMs),
    };
    sessions.add(session);
    socket.on('message', (data, isBinary) => {
      try {
        onFrame(session, data, isBinary);
      } catch (error) {
        // A bug here must cost one socket, never the process and the whole server.
        log(`dropping ${describe(session)} after an internal error: ${String(error)}`);
        socket.terminate();
      }
    });
    socket.on('pong', () => {
      session.alive = true;
    });
    socket.on('error', (error) => onSocketError(session, error));
    socket.on('close', () => onClose(session));
  }

  function checkLiveness(): void {
    for (const session of sessions) {
      if (!session.alive) {
        log(`terminating ${describe(session)}: no pong`);
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      if (sessions.size >= limits.maxConnections) {
        count('ERR_SERVER_FULL');
        refuseUpgrade(socket, 503, 'Service Unavailable');
        return;
      }
      if (!connectionsByAddress.take(req.socket.remoteAddress ?? '', performance.now())) {
        count('ERR_RATE_LIMIT');
        refuseUpgrade(socket, 429, 'Too Many Requests');
        return;
      }
      wss.handleUpgrade(req, socket, head, accept);
    },
    stats: () => ({
      colonies: colonies.colonyCount,
      bees: colonies.beeCount,
      connections: sessions.size,
      rejected: { ...rejected },
    }),
    close() {
      clearInterval(pingTimer);
      for (const session of sessions) {
        clearTimeout(session.joinTimer);
        session.socket.terminate();
      }
      wss.close();
    },
  };
}
