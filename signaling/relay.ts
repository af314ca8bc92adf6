// The /signal endpoint: colony presence and signal relay between bees, every input limited.
// Like y-webrtc's server it knows colonies and signals, nothing of queens. A misbehaving socket
// costs only itself: it gets error frames, then is closed; other bees never notice.
//
// A socket speaks for a bee only once it proved the bee's key (join-proof.ts) over the nonce this
// server sent it; from then on the bee id is bound to that socket: signals go to it alone, leave
// from it stamped with that id, and only its close announces the bee's departure.
//
// Bees on other instances (REDIS_URL) are reached through the backplane: a signal for a bee not
// here goes to whichever instance holds it, a sample mixes in bees from elsewhere, and a bee that
// proves its id on another instance takes its binding from here.

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
import { after, type Backplane, type BackplaneHandlers, type Maybe } from './backplane';
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
  admitPeerJs(token: string, bee: string): Maybe<string | null>;
  /** What the backplane asks of this relay on behalf of other instances. */
  readonly beyond: Pick<BackplaneHandlers, 'deliver' | 'left' | 'replaced' | 'held'>;
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
  /** A frame waiting on the backplane: later frames wait their turn, so answers keep their order. */
  pending: Promise<void> | null;
  queued: number;
}

export interface RelayOptions {
  limits: Limits;
  log: (line: string) => void;
  /** Counts a refusal by code (the server's stats). */
  count: (code: SignalErrorCode) => void;
  /** What the welcome of `bee`, whose page reached the server at `host`, says about ICE servers. */
  ice?: (host: string | undefined, bee: string) => IceConfig;
  backplane: Backplane;
}

/** Up to `count` of `here` and `elsewhere` together, at random; just `here` when nothing is elsewhere. */
function mix(here: string[], elsewhere: string[], count: number): string[] {
  if (elsewhere.length === 0) return here;
  const ids = [...new Set([...here, ...elsewhere])];
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, count);
}

/** Answer an upgrade request with a plain HTTP status and drop the socket. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

const toBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

export function createRelay({ limits, log, count, backplane, ice }: RelayOptions): Relay {
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
    if (!session.pending) return track(session, handleFrame(session, data, isBinary));
    // The rate limit bounds this in practice; the cap bounds it whatever Redis's latency.
    if (session.queued === rate.burst) return reject(session, 'ERR_RATE_LIMIT', `more than ${rate.burst} frames waiting`);
    session.queued++;
    track(
      session,
      session.pending.then(() => {
        session.queued--;
        return handleFrame(session, data, isBinary);
      }),
    );
  }

  function track(session: Session, handled: Maybe<void>): void {
    if (!(handled instanceof Promise)) return;
    const pending = handled.catch((error: unknown) => {
      log(`dropping ${describe(session)} after an internal error: ${String(error)}`);
      session.socket.terminate();
    });
    session.pending = pending;
    void pending.then(() => {
      if (session.pending === pending) session.pending = null;
    });
  }

  function handleFrame(session: Session, data: RawData, isBinary: boolean): Maybe<void> {
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
    if (parsed.message.type === 'join') return onJoin(session, parsed.message);
    if (parsed.message.type === 'sample') return onSample(session);
    return onSignal(session, parsed.message);
  }

  function onJoin(session: Session, join: Extract<ClientMessage, { type: 'join' }>): Maybe<void> {
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
    if (result.replaced) release(result.replaced, `bee ${bee} joined again from another connection`);
    log(`${describe(session)} joined (${colonies.members(colony).size} bees here)`);
    return after(backplane.join(colony, bee, token), (shared) => {
      if (session.joined?.token !== token) return;
      if (!shared.ok) {
        // The colony is full across instances: this bee never was here.
        tokens.delete(token);
        colonies.leave(colony, bee, session);
        session.joined = null;
        sendError(session, shared.code, `no room for bee ${bee} in colony ${colony}`);
        showOut(session, CLOSE_TRY_LATER, shared.code);
        return;
      }
      return after(sample(colony, bee), (peers) => {
        if (session.joined?.token === token) send(session, { type: 'welcome', bee, colony, peers, token, ...(ice ? { ice: ice(session.host, bee) } : {}) });
      });
    });
  }

  function sample(colony: string, bee: string): Maybe<string[]> {
    const here = colonies.sample(colony, bee, SAMPLE_SIZE);
    return after(backplane.sample(colony, bee, SAMPLE_SIZE), (elsewhere) => mix(here, elsewhere, SAMPLE_SIZE));
  }

  function onSample(session: Session): Maybe<void> {
    if (!session.joined) return reject(session, 'ERR_NOT_JOINED', 'join a colony before asking for bees');
    const { colony, bee } = session.joined;
    return after(sample(colony, bee), (peers) => send(session, { type: 'sample', peers }));
  }

  function onSignal(session: Session, { to, data }: Extract<ClientMessage, { type: 'signal' }>): Maybe<void> {
    if (!session.joined) return reject(session, 'ERR_NOT_JOINED', 'join a colony before signalling');
    const { colony, bee } = session.joined;
    const target = colonies.get(colony, to);
    if (target) return send(target, { type: 'signal', from: bee, data });
    return after(backplane.deliver(colony, to, { type: 'signal', from: bee, data }), (delivered) => {
      if (!delivered && !session.shownOut) reject(session, 'ERR_UNKNOWN_BEE', `bee ${to} is not in colony ${colony}`);
    });
  }

  /** `bee` proved its id elsewhere: its socket here lets go, and its close announces nothing. */
  function release(session: Session, message: string): void {
    const joined = session.joined!;
    tokens.delete(joined.token);
    colonies.leave(joined.colony, joined.bee, session);
    session.joined = null;
    sendError(session, 'ERR_ID_TAKEN', message);
    showOut(session, CLOSE_REPLACED, 'replaced by a newer connection');
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
    backplane.leave(joined.colony, joined.bee, joined.token);
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
      pending: null,
      queued: 0,
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
      if (joined) return joined.bee === bee ? joined.colony : null;
      return backplane.admitPeerJs(token, bee);
    },
    beyond: {
      deliver(colony, bee, message) {
        const target = colonies.get(colony, bee);
        if (target) send(target, message);
      },
      left(colony, bee) {
        for (const [id, other] of colonies.members(colony)) if (id !== bee) send(other, { type: 'left', bee });
      },
      replaced(colony, bee) {
        const session = colonies.get(colony, bee);
        if (session) release(session, `bee ${bee} joined again on another server`);
      },
      held: () => [...sessions].flatMap((session) => (session.joined ? [{ ...session.joined }] : [])),
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
