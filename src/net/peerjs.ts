// The PeerJS transport (?transport=peerjs): links are PeerJS DataConnections, signalled by the
// PeerJS endpoint the signaling server serves at /peerjs. Bee id = PeerJS peer id; the server
// admits it only with the token the bee's proven join at /signal brought (signaling-client.ts).
// Limit: PeerJS signals only through its server, so with the server gone no new links form.

import { Peer, type DataConnection } from 'peerjs';
import { SendQueue } from './send-queue';
import { linkFingerprints } from './dtls-fingerprints';
import { Listeners, type LinkEvent, type LinkFingerprints, type Transport, type TransportOptions } from './transport';

export const PEERJS_PATH = '/peerjs';
/** Wait before reconnecting to a PeerJS endpoint that dropped us, so a server restart is no storm. */
const RECONNECT_MS = 1000;

/** Where the PeerJS token comes from: the signaling client, with every welcome. */
export interface PeerJsPass {
  readonly token: string | null;
  subscribe(listener: (event: { type: string }) => void): () => void;
}

interface ConnLink {
  conn: DataConnection;
  queue: SendQueue | null;
}

export class PeerJsTransport implements Transport {
  readonly kind = 'peerjs';
  connectionsCreated = 0;
  private peer: Peer | null = null;
  private readonly links = new Map<string, ConnLink>();
  /** Links asked for before the PeerServer connection opened. */
  private readonly waiting = new Set<string>();
  private readonly listeners = new Listeners<LinkEvent>();
  private readonly stopPass: () => void;
  /** The token of the latest attempt, and the last one the server refused (it waits for a new one). */
  private usedToken: string | null = null;
  private refusedToken: string | null = null;
  private destroyed = false;

  constructor(
    private readonly options: TransportOptions,
    private readonly server: URL,
    private readonly pass: PeerJsPass,
  ) {
    this.stopPass = pass.subscribe((event) => event.type === 'welcome' && this.connect());
    this.connect();
  }

  link(peer: string): void {
    if (this.destroyed || this.links.has(peer)) return;
    if (!this.peer?.open) {
      this.waiting.add(peer);
      return;
    }
    this.adopt(peer, this.peer.connect(peer, { reliable: true, serialization: 'raw' }));
  }

  send(peer: string, frame: string): boolean {
    const queue = this.links.get(peer)?.queue;
    if (!queue) return false;
    queue.send(frame);
    return true;
  }

  unlink(peer: string): void {
    const link = this.links.get(peer);
    if (link) this.drop(peer, link, 'closed here');
    else if (this.waiting.delete(peer)) this.listeners.emit({ type: 'closed', peer, reason: 'closed here' });
  }

  fingerprints(peer: string): LinkFingerprints | null {
    return linkFingerprints(this.links.get(peer)?.conn.peerConnection);
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.destroyed = true;
    this.stopPass();
    this.peer?.destroy();
    this.links.clear();
    this.listeners.clear();
  }

  /**
   * Reach the PeerJS endpoint with the newest token, unless connected already: a first connection,
   * a reconnection (links stay up meanwhile) or, after the server refused a token, a new Peer.
   */
  private connect(): void {
    const token = this.pass.token;
    if (this.destroyed || token === null || token === this.refusedToken) return;
    const peer = this.peer;
    if (peer && !peer.destroyed && !peer.disconnected) return;
    this.usedToken = token;
    if (peer && !peer.destroyed) {
      peer.options.token = token;
      peer.reconnect();
    } else this.open(token);
  }

  private open(token: string): void {
    const secure = this.server.protocol === 'https:';
    const peer = new Peer(this.options.self, {
      host: this.server.hostname,
      port: Number(this.server.port) || (secure ? 443 : 80),
      path: PEERJS_PATH,
      key: 'peerjs',
      token,
      secure,
      config: { iceServers: this.options.iceServers ?? [] },
    });
    this.peer = peer;
    peer.on('open', () => {
      for (const bee of this.waiting) this.link(bee);
      this.waiting.clear();
    });
    peer.on('connection', (conn) => this.onIncoming(conn));
    peer.on('disconnected', () => setTimeout(() => this.connect(), RECONNECT_MS));
    peer.on('error', (err) => {
      // The server refused the token (it outlived its join, or a newer join replaced it): the next
      // welcome brings a fresh one.
      if (err.type === 'server-error') this.refusedToken = this.usedToken;
      else if (err.type === 'peer-unavailable') {
        // PeerJS reports an unknown peer on the Peer, naming it only in the message.
        for (const [bee, link] of this.links) if (err.message.includes(bee)) this.drop(bee, link, 'peer-unavailable');
      }
    });
  }

  private onIncoming(conn: DataConnection): void {
    const existing = this.links.get(conn.peer);
    // Both sides dialled at once (glare): keep the link dialled by the smaller id.
    if (existing && !existing.queue && this.options.self < conn.peer) {
      conn.close();
      return;
    }
    if (existing) this.drop(conn.peer, existing, 'replaced by a new link');
    this.adopt(conn.peer, conn);
  }

  private adopt(peer: string, conn: DataConnection): void {
    this.connectionsCreated++;
    const link: ConnLink = { conn, queue: null };
    this.links.set(peer, link);
    const current = () => this.links.get(peer) === link;
    conn.on('open', () => {
      if (!current()) return;
      link.queue = new SendQueue(conn.dataChannel, () => this.drop(peer, link, 'stuck'));
      this.listeners.emit({ type: 'open', peer });
    });
    conn.on('data', (data) => {
      if (current() && typeof data === 'string') this.listeners.emit({ type: 'frame', peer, frame: data });
    });
    conn.on('close', () => this.drop(peer, link, 'closed'));
    conn.on('error', (err) => this.drop(peer, link, err.type));
  }

  private drop(peer: string, link: ConnLink, reason: string): void {
    if (this.links.get(peer) !== link) return;
    this.links.delete(peer);
    link.conn.close();
    this.listeners.emit({ type: 'closed', peer, reason });
  }
}
