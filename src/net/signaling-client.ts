// The bee's side of the signaling server: join a colony (proving the bee's key over the server's
// nonce), hear who is there and who left, and carry WebRTC signals. Reconnects by itself with
// backoff; every (re)join brings a fresh welcome and a fresh PeerJS token.

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

  constructor(
    private readonly url: URL,
    private readonly colony: string,
    private readonly identity: Identity,
  ) {
    this.connect();
  }

  /** ws(s)://host/signal for a page served by the signaling server itself. */
  static urlFor(page: URL): URL {
    const url = new URL(SIGNAL_PATH, page);
    url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
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
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onmessage = (event) => {
      const message = typeof event.data === 'string' ? parseServerMessage(event.data) : null;
      if (message) this.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.setConnected(false);
      if (this.closed) return;
      setTimeout(() => this.connect(), this.reconnectDelayMs);
      this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
    };
  }

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'challenge':
        this.write({ type: 'join', colony: this.colony, bee: this.identity.id, ...proveJoin(this.identity, this.colony, message.nonce) });
        break;
      case 'welcome':
        this.reconnectDelayMs = RECONNECT_MIN_MS;
        this.token = message.token;
        this.ice = message.ice ?? null;
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
