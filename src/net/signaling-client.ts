// The bee's side of the signaling server: join a colony (proving the bee's key over the server's
// nonce), hear who is there and who left, and carry WebRTC signals. Reconnects by itself with
// backoff; every (re)join brings a fresh welcome and a fresh PeerJS token.
//
// Given several servers (instances sharing colonies through Redis, docs/deploy.md), it talks to
// one at a time and, whenever its socket closes, moves on to the next: a dead instance's bees
// rejoin at another one, and only the first attempt there waits for the backoff.

import type { Identity } from '../crypto/identity';
import { proveJoin } from './join-proof';
import { parseServerMessage, SIGNAL_PATH, type ClientMessage, type IceConfig, type ServerMessage } from './signal-protocol';
import { Listeners, type Signaler } from './transport';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export type SignalingEvent =
  /** Live bees of the colony, on joining or on request. */
  | { type: 'welcome'; peers: string[] }
  | { type: 'left'; bee: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'status'; connected: boolean };

export class SignalingClient implements Signaler {
  private socket: WebSocket | null = null;
  private readonly events = new Listeners<SignalingEvent>();
  private readonly signals = new Listeners<{ from: string; data: unknown }>();
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private closed = false;
  connected = false;
  /** What admits this bee to the PeerJS endpoint; new with every welcome, null before the first. */
  token: string | null = null;
  /** The ICE servers and policy of the latest welcome; null before the first (or none sent). */
  ice: IceConfig | null = null;
  /** The server whose welcome brought `token` (it, or any instance it shares colonies with, admits it). */
  server: URL;
  private next = 0;

  /** `servers`: page origins of signaling servers (non-empty), tried in turn. */
  constructor(
    private readonly servers: readonly URL[],
    private readonly colony: string,
    private readonly identity: Identity,
  ) {
    this.server = servers[0]!;
    this.connect();
  }

  /** ws(s)://host/signal for a page served by the signaling server itself. */
  static urlFor(page: URL): URL {
    const url = new URL(SIGNAL_PATH, page);
    url.protocol = page.protocol === 'https:' || page.protocol === 'wss:' ? 'wss:' : 'ws:';
    return url;
  }

  subscribe(listener: (event: SignalingEvent) => void): () => void {
    return this.events.add(listener);
  }

  /** Ask for a fresh sample of live bees; it arrives as a `welcome` event. */
  requestSample(): void {
    this.write({ type: 'sample' });
  }

  sendSignal(to: string, data: unknown): void {
    this.write({ type: 'signal', to, data });
  }

  onSignal(listener: (from: string, data: unknown) => void): () => void {
    return this.signals.add(({ from, data }) => listener(from, data));
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private write(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    const server = this.servers[this.next]!;
    this.next = (this.next + 1) % this.servers.length;
    const socket = new WebSocket(SignalingClient.urlFor(server));
    this.socket = socket;
    socket.onmessage = (event) => {
      const message = typeof event.data === 'string' ? parseServerMessage(event.data) : null;
      if (message) this.onMessage(message, server);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.setConnected(false);
      if (this.closed) return;
      // Another server is worth trying at once; the same one (or the first again) after a pause.
      setTimeout(() => this.connect(), this.next === 0 ? this.reconnectDelayMs : 0);
      if (this.next === 0) this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
    };
  }

  private onMessage(message: ServerMessage, server: URL): void {
    switch (message.type) {
      case 'challenge':
        this.write({ type: 'join', colony: this.colony, bee: this.identity.id, ...proveJoin(this.identity, this.colony, message.nonce) });
        break;
      case 'welcome':
        this.reconnectDelayMs = RECONNECT_MIN_MS;
        this.token = message.token;
        this.ice = message.ice ?? null;
        this.server = server;
        this.setConnected(true);
        this.events.emit({ type: 'welcome', peers: message.peers });
        break;
      case 'sample':
        this.events.emit({ type: 'welcome', peers: message.peers });
        break;
      case 'signal':
        this.signals.emit({ from: message.from, data: message.data });
        break;
      case 'left':
        this.events.emit({ type: 'left', bee: message.bee });
        break;
      case 'error':
        this.events.emit({ type: 'error', code: message.code, message: message.message });
        break;
    }
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.events.emit({ type: 'status', connected });
  }
}
