// What every server-side WebSocket gets, on /signal and /peerjs alike: writes capped by what the
// far end has not read, and a ping that finds the sockets whose far end went silent.

import type { WebSocket } from 'ws';

/**
 * Writes `text` unless the socket is closed; a socket holding more than `maxBufferedBytes` unread
 * is terminated instead, since buffering for a client that does not read has no bound. Returns
 * whether it was written.
 */
export function sendCapped(socket: WebSocket, text: string, maxBufferedBytes: number, onOverflow: () => void): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > maxBufferedBytes) {
    onOverflow();
    socket.terminate();
    return false;
  }
  socket.send(text);
  return true;
}

/** Pings every socket each period; one that did not answer the previous ping is terminated. */
export class Liveness {
  readonly #alive = new Map<WebSocket, boolean>();
  readonly #timer: NodeJS.Timeout;

  constructor(periodMs: number, onDead: (socket: WebSocket) => void) {
    this.#timer = setInterval(() => {
      for (const [socket, alive] of this.#alive) {
        if (!alive) {
          onDead(socket);
          socket.terminate();
          continue;
        }
        this.#alive.set(socket, false);
        socket.ping();
      }
    }, periodMs);
  }

  watch(socket: WebSocket): void {
    this.#alive.set(socket, true);
    socket.on('pong', () => this.#alive.has(socket) && this.#alive.set(socket, true));
    socket.once('close', () => this.#alive.delete(socket));
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
