// The /signal endpoint: colony presence and signal relay between bees, every input limited.
// Like y-webrtc's server it knows colonies and signals, nothing of queens. A misbehaving socket
// costs only itself: it gets error frames, then is closed; other bees never notice.
//
// A socket speaks for a bee only once it proved the bee's key (join-proof.ts) over the nonce this
// server sent it; from then on the bee id is bound to that socket: signals go to it alone, leave
// from it stamped with that id, and only its close announces the bee's departure.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { bytesToBase64url } from '../src/crypto/encoding';
import { randomBytes } from '../src/crypto/random';
import { checkJoinProof, JOIN_NONCE_BYTES } from '../src/net/join-proof';
import {
  SAMPLE_SIZE,
  type IceConfig,
  parseClientMessage,
  type ClientMessage,
  type ServerMessage,
  type SignalErrorCode,
} from '../src/net/signal-protocol';
import { Colonies } from './colonies';
import { verifyNative } from './ed25519';
import type { Limits } from './limits';
import { fullBucket, takeToken, type Bucket, type Rate } from './rate-limit';
import { Liveness, sendCapped } from './sockets';

/** PeerJS tokens are 128 random bits: unguessable, and only good while their join's socket lives. */
const TOKEN_BYTES = 16;

/** Close codes the server uses; an error frame saying why precedes each. */
export const CLOSE_POLICY = 1008;
export const CLOSE_TRY_LATER = 1013;
/** The same bee joined again on a newer socket. */
export const CLOSE_REPLACED = 4000;

export interface RelayStats {
  colonies: number;
  bees: number;
  connections: number;
}

export interface Relay {
  /** Take over an upgrade request for the signal path (the gate has admitted it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The colony of `bee` if `token` is the PeerJS token of its bound, proven socket; else null. */
  admitPeerJs(token: string, bee: string): string | null;
  stats(): RelayStats;
  /** Terminate every socket and stop the liveness timer. */
  close(): void;
}

interface Session {
  readonly socket: WebSocket;
  readonly address: string;
  /** The Host header of its upgrade request: where the page reached this server. */
  readonly host: string | undefined;
  /** What this socket's join must sign: fresh, so a proof is good for this socket only. */
  readonly nonce: string;
  joined: { colony: string; bee: string; token: string } | null;
  bucket: Bucket;
  errors: number;
  /** The server closed it: nothing it still sends is acted on or counted. */
  shownOut: boolean;
  joinTimer: NodeJS.Timeout;
}

export interface RelayOptions {
  limits: Limits;
  log: (line: string) => void;
  /** Counts a refusal by code (the server's stats). */
  count: (code: SignalErrorCode) => void;
  /** What the welcome of `bee`, whose page reached the server at `host`, says about ICE servers. */
  ice?: (host: string | undefined, bee: string) => IceConfig;
}

/** Answer an upgrade request with a plain HTTP status and drop the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const toBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

export function createRelay({ limits, log, count, ice }: RelayOptions): Relay {
  const colonies = new Colonies<Session>(limits);
  const sessions = new Set<Session>();
  /** PeerJS tokens of bound sessions. */
  const tokens = new Map<string, Session>();
  const rate: Rate = { perS: limits.messagesPerS, burst: limits.messageBurst };
  // noServer: the HTTP server routes upgrades by path (see server.ts); maxPayload makes ws refuse
  // giant frames before buffering them.
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: limits.maxPayloadBytes });
  const liveness = new Liveness(limits.pingIntervalMs, () => log(`terminating a /signal socket: no pong`));

  const describe = (session: Session) =>
    session.joined ? `bee ${session.joined.bee} of ${session.joined.colony}` : 'unjoined socket';

  function send(session: Session, message: ServerMessage): void {
    sendCapped(session.socket, JSON.stringify(message), limits.maxBufferedBytes, () =>
      log(`terminating ${describe(session)}: ${session.socket.bufferedAmount} bytes unread`),
    );
  }

  function showOut(session: Session, code: number, reason: string): void {
    session.shownOut = true;
    session.socket.close(code, reason);
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
      showOut(session, CLOSE_POLICY, 'too many rejected frames');
    }
  }

  function onFrame(session: Session, data: RawData, isBinary: boolean): void {
    // ws still hands over frames that were in flight when we closed a socket: nothing it sent
    // after being shown the door is acted on (or counted).
    if (session.shownOut || session.socket.readyState !== session.socket.OPEN) return;
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

  function onJoin(session: Session, join: Extract<ClientMessage, { type: 'join' }>): void {
    if (session.joined) return reject(session, 'ERR_ALREADY_JOINED', `already joined as ${session.joined.bee}`);
    const { colony, bee } = join;
    // One try per socket: a bad proof closes it, so each socket costs at most one verification.
    if (!checkJoinProof(colony, bee, session.nonce, join, verifyNative)) {
      sendError(session, 'ERR_BAD_PROOF', `the join does not prove the key of bee ${bee}`);
      showOut(session, CLOSE_POLICY, 'ERR_BAD_PROOF');
      return;
    }
    const result = colonies.join(colony, bee, session, session.address);
    if (!result.ok) {
      sendError(session, result.code, `no room for bee ${bee} in colony ${colony}`);
      showOut(session, CLOSE_TRY_LATER, result.code);
      return;
    }
    clearTimeout(session.joinTimer);
    const token = bytesToBase64url(randomBytes(TOKEN_BYTES));
    session.joined = { colony, bee, token };
    tokens.set(token, session);
    // The same id again, proven afresh: a reloading tab keeps its bee id, and its old socket may
    // not have died yet (a closed tab often sends no close). So the newest proven socket wins; the
    // old one is told why and closed, and its close announces no departure: the bee is still here.
    const replaced = result.replaced;
    if (replaced) {
      tokens.delete(replaced.joined!.token);
      replaced.joined = null;
      sendError(replaced, 'ERR_ID_TAKEN', `bee ${bee} joined again from another connection`);
      showOut(replaced, CLOSE_REPLACED, 'replaced by a newer connection');
    }
    log(`${describe(session)} joined (${colonies.members(colony).size} bees)`);
    const peers = colonies.sample(colony, bee, SAMPLE_SIZE);
    send(session, { type: 'welcome', bee, colony, peers, token, ...(ice ? { ice: ice(session.host, bee) } : {}) });
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
    if (!joined) return;
    tokens.delete(joined.token);
    if (!colonies.leave(joined.colony, joined.bee, session)) return;
    log(`${describe(session)} left`);
    for (const other of colonies.members(joined.colony).values()) send(other, { type: 'left', bee: joined.bee });
  }

  function onSocketError(session: Session, error: Error & { code?: string }): void {
    // ws reports frames that break the WebSocket protocol here, then closes the socket itself.
    if (session.shownOut) return;
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') count('ERR_TOO_LARGE');
    else if (error.code?.startsWith('WS_ERR_')) count('ERR_MALFORMED');
    log(`${describe(session)}: ${error.message}`);
  }

  function accept(socket: WebSocket, address: string, host: string | undefined): void {
    const session: Session = {
      socket,
      address,
      host,
      nonce: bytesToBase64url(randomBytes(JOIN_NONCE_BYTES)),
      joined: null,
      bucket: fullBucket(rate, performance.now()),
      errors: 0,
      shownOut: false,
      joinTimer: setTimeout(() => {
        sendError(session, 'ERR_NOT_JOINED', `no join within ${limits.joinTimeoutMs} ms`);
        showOut(session, CLOSE_POLICY, 'join timeout');
      }, limits.joinTimeoutMs),
    };
    sessions.add(session);
    liveness.watch(socket);
    send(session, { type: 'challenge', nonce: session.nonce });
    socket.on('message', (data, isBinary) => {
      try {
        onFrame(session, data, isBinary);
      } catch (error) {
        // A bug here must cost one socket, never the process and the whole server.
        log(`dropping ${describe(session)} after an internal error: ${String(error)}`);
        socket.terminate();
      }
    });
    socket.on('error', (error) => onSocketError(session, error));
    socket.on('close', () => onClose(session));
  }

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req.socket.remoteAddress ?? '', req.headers.host));
    },
    admitPeerJs(token, bee) {
      const joined = tokens.get(token)?.joined;
      return joined?.bee === bee ? joined.colony : null;
    },
    stats: () => ({
      colonies: colonies.colonyCount,
      bees: colonies.beeCount,
      connections: sessions.size,
    }),
    close() {
      liveness.stop();
      for (const session of sessions) {
        clearTimeout(session.joinTimer);
        session.socket.terminate();
      }
      wss.close();
    },
  };
}
