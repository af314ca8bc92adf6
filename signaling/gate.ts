// Who may open a WebSocket at all, /signal and /peerjs alike, decided on the upgrade request before
// any socket exists: a browser page of the app's own origin (or an allowed one), at most
// maxConnections sockets in all, and a bounded rate of new sockets per client address.

import type { IncomingMessage } from 'node:http';
import type { SignalErrorCode } from '../src/net/signal-protocol';
import type { Limits } from './limits';
import { KeyedBuckets } from './rate-limit';

/** Client addresses whose connection rate is tracked (about 100 bytes each). */
const MAX_TRACKED_ADDRESSES = 10_000;

export interface Refusal {
  status: number;
  reason: string;
  code: SignalErrorCode;
}

/**
 * Whether a request with this Origin header may open a socket. Browsers send Origin on every
 * WebSocket upgrade, and a page cannot forge it: so a page of another site (any site a student
 * visits) is refused, unless listed. Non-browser clients send none and are let through: they
 * could send any Origin they like, so refusing them would protect nothing.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
}

export class Gate {
  readonly #byAddress: KeyedBuckets;

  constructor(
    private readonly limits: Limits,
    private readonly allowedOrigins: readonly string[],
  ) {
    this.#byAddress = new KeyedBuckets({ perS: limits.connectionsPerS, burst: limits.connectionBurst }, MAX_TRACKED_ADDRESSES);
  }

  /** null admits the upgrade; `open` is how many sockets (of both endpoints) are open now. */
  check(req: IncomingMessage, open: number): Refusal | null {
    if (!originAllowed(req.headers.origin, req.headers.host, this.allowedOrigins)) {
      return { status: 403, reason: 'Forbidden', code: 'ERR_ORIGIN' };
    }
    if (open >= this.limits.maxConnections) return { status: 503, reason: 'Service Unavailable', code: 'ERR_SERVER_FULL' };
    if (!this.#byAddress.take(req.socket.remoteAddress ?? '', performance.now())) {
      return { status: 429, reason: 'Too Many Requests', code: 'ERR_RATE_LIMIT' };
    }
    return null;
  }
}
