// The PeerJS endpoint (?transport=peerjs): the part of the PeerJS server wire protocol the peerjs
// browser client uses, served from our own relay so it gets what /signal has. A socket is admitted
// only with the token its bee's proven join at /signal brought, and only for that bee; it relays
// only within the bee's colony, stamped with the bee's id; every socket has the same limits
// (connections per address, frame size and rate, unread bytes) as a /signal socket.
//
// The client opens ws(s)://host/peerjs/peerjs?key=peerjs&id=ID&token=TOKEN&version=…, waits for
// OPEN, sends HEARTBEAT every 5 s and OFFER/ANSWER/CANDIDATE {type, dst, payload}; it expects them
// back as {type, src, dst, payload}, EXPIRE {src: dst} when no such peer is there, and ERROR
// {payload: {msg}} before the server closes its socket. (ID-TAKEN never happens: a second proven
// socket for an id replaces the first.)
//
// With other instances (REDIS_URL) a token may come from a join made elsewhere, and a frame for a
// bee whose PeerJS socket is elsewhere goes there through the backplane.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isBeeId, jsonDepthWithin, MAX_SIGNAL_DEPTH, type SignalErrorCode } from '../src/net/signal-protocol';
import { after, type Backplane, type BackplaneHandlers, type Maybe } from './backplane';
import { Colonies } from './colonies';
import type { Limits } from './limits';
import { fullBucket, takeToken, type Rate } from './rate-limit';
import { CLOSE_POLICY, CLOSE_REPLACED, CLOSE_TRY_LATER } from './relay';
import { Liveness, sendCapped } from './sockets';

/** Browser peerjs client options: { host, port, path: PEERJS_PATH, key: PEERJS_KEY }. */
export const PEERJS_PATH = '/peerjs';
export const PEERJS_KEY = 'peerjs';
/** Where the client opens its socket: its `path` option, then "peerjs". */
export const PEERJS_SOCKET_PATH = `${PEERJS_PATH}/peerjs`;

/** Types a client may send to another peer; the server relays them unchanged but for `src`. */
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);
/** Types that are news about a peer, never answered with EXPIRE when it is missing. */
const NO_EXPIRE = new Set(['LEAVE', 'EXPIRE']);

export interface PeerJsRelay {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open PeerJS sockets. */
  readonly connections: number;
  /** What the backplane asks of this relay on behalf of other instances. */
  readonly beyond: Pick<BackplaneHandlers, 'deliverPeer' | 'replacedPeer' | 'heldPeers'>;
  close(): void;
}

export interface PeerJsRelayOptions {
  limits: Limits;
  log: (line: string) => void;
  count: (code: SignalErrorCode) => void;
  /** The colony of `bee` if `token` admits it (see Relay.admitPeerJs), else null. */
  admit: (token: string, bee: string) => Maybe<string | null>;
  backplane: Backplane;
}

interface PeerSession {
  readonly socket: WebSocket;
  readonly colony: string;
  readonly bee: string;
}

export function createPeerJsRelay({ limits, log, count, admit, backplane }: PeerJsRelayOptions): PeerJsRelay {
  const peers = new Colonies<PeerSession>(limits);
  const sockets = new Set<WebSocket>();
  const rate: Rate = { perS: limits.messagesPerS, burst: limits.messageBurst };
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: limits.maxPayloadBytes });
  const liveness = new Liveness(limits.pingIntervalMs, () => log('peerjs: terminating a socket: no pong'));

  const send = (socket: WebSocket, message: object) =>
    sendCapped(socket, JSON.stringify(message), limits.maxBufferedBytes, () => log(`peerjs: terminating a socket with ${socket.bufferedAmount} bytes unread`));

  function refuse(socket: WebSocket, code: SignalErrorCode, msg: string, closeCode: number): void {
    count(code);
    send(socket, { type: 'ERROR', payload: { msg } });
    socket.close(closeCode, code);
  }

  function accept(socket: WebSocket, req: IncomingMessage): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', (error) => log(`peerjs: ${error.message}`));
    const query = new URL(req.url ?? '/', 'http://peerjs').searchParams;
    const bee = query.get('id') ?? '';
    // Until admitted the socket has no message listener: the client sends nothing before OPEN.
    const colony = query.get('key') === PEERJS_KEY && isBeeId(bee) ? admit(query.get('token') ?? '', bee) : null;
    void after(colony, (admitted) => {
      if (socket.readyState !== socket.OPEN) return;
      if (admitted === null) return refuse(socket, 'ERR_BAD_PROOF', 'Invalid token provided', CLOSE_POLICY);
      serve(socket, req, admitted, bee);
    });
  }

  /** An admitted PeerJS socket of `bee` of `colony`. */
  function serve(socket: WebSocket, req: IncomingMessage, colony: string, bee: string): void {
    const session: PeerSession = { socket, colony, bee };
    const joined = peers.join(colony, bee, session, req.socket.remoteAddress ?? '');
    if (!joined.ok) return refuse(socket, joined.code, `no room for ${bee}`, CLOSE_TRY_LATER);
    // The newest proven socket wins, as on /signal (a reloaded tab).
    if (joined.replaced) refuse(joined.replaced.socket, 'ERR_ID_TAKEN', 'replaced by a newer connection', CLOSE_REPLACED);
    backplane.joinPeer(colony, bee);
    liveness.watch(socket);
    socket.once('close', () => peers.leave(colony, bee, session) && backplane.leavePeer(colony, bee));
    let bucket = fullBucket(rate, performance.now());
    let errors = 0;
    const reject = (code: SignalErrorCode) => {
      count(code);
      if (++errors === limits.maxErrorsPerSocket) socket.close(CLOSE_POLICY, 'too many rejected frames');
    };
    socket.on('message', (data, isBinary) => {
      if (socket.readyState !== socket.OPEN) return;
      const taken = takeToken(bucket, rate, performance.now());
      bucket = taken.bucket;
      if (!taken.allowed) {
        count('ERR_RATE_LIMIT');
        log(`peerjs: terminating ${bee} of ${colony}: over the rate limit`);
        socket.terminate();
        return;
      }
      const text = isBinary ? null : rawText(data);
      if (text !== null && text.length > limits.maxFrameBytes) return reject('ERR_TOO_LARGE');
      const message = text === null ? null : parseFrame(text);
      if (message === null) return reject('ERR_MALFORMED');
      if (message.type === 'HEARTBEAT') return;
      const frame = { type: message.relayed, src: bee, dst: message.dst, payload: message.payload };
      const target = peers.get(colony, message.dst);
      if (target) return send(target.socket, frame);
      void after(backplane.deliverPeer(colony, message.dst, frame), (delivered) => {
        if (!delivered && !NO_EXPIRE.has(message.relayed)) send(socket, { type: 'EXPIRE', src: message.dst, dst: bee });
      });
    });
    send(socket, { type: 'OPEN' });
  }

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
    },
    beyond: {
      deliverPeer(colony, bee, frame) {
        const target = peers.get(colony, bee);
        if (target) send(target.socket, frame);
      },
      replacedPeer(colony, bee) {
        const target = peers.get(colony, bee);
        if (!target) return;
        peers.leave(colony, bee, target);
        refuse(target.socket, 'ERR_ID_TAKEN', 'replaced by a newer connection', CLOSE_REPLACED);
      },
      heldPeers: () => [...peers.all()],
    },
    get connections() {
      return sockets.size;
    },
    close() {
      liveness.stop();
      for (const socket of sockets) socket.terminate();
      wss.close();
    },
  };
}

const rawText = (data: RawData): string =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');

type PeerFrame = { type: 'HEARTBEAT' } | { type: 'relay'; relayed: string; dst: string; payload: unknown };

/** A frame the client may send, or null. */
function parseFrame(text: string): PeerFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { type, dst, payload } = value as Record<string, unknown>;
  if (type === 'HEARTBEAT') return { type };
  if (typeof type !== 'string' || !RELAYED.has(type) || !isBeeId(dst)) return null;
  return jsonDepthWithin(payload, MAX_SIGNAL_DEPTH) ? { type: 'relay', relayed: type, dst, payload } : null;
}
