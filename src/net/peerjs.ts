// The PeerJS transport (?transport=peerjs): links are PeerJS DataConnections, signalled by the
// PeerServer the signaling server mounts at /peerjs. Bee id = PeerJS peer id.
// Limit: PeerJS signals only through its server, so with the server gone no new links form.

import { Peer, type DataConnection } from 'peerjs';
import { SendQueue } from './send-queue';
import { linkFingerprints } from './dtls-fingerprints';
import { Listeners, type LinkEvent, type LinkFingerprints, type Transport, type TransportOptions } from './transport';

export const PEERJS_PATH = '/peerjs';
/** A reloaded tab may reclaim its id before the server noticed the old tab went. */
const ID_TAKEN_RETRY_MS = 1000;

interface ConnLink {
  conn: DataConnection;
  queue: SendQueue | null;
}

export class PeerJsTransport implements Transport {
  readonly kind = 'peerjs';
  private peer: Peer | null = null;
  private readonly links = new Map<string, ConnLink>();
  /** Links asked for before the PeerServer connection opened. */
  private readonly waiting = new Set<string>();
  private readonly listeners = new Listeners<LinkEvent>();
  private destroyed = false;

  constructor(
    private readonly options: TransportOptions,
    private readonly server: URL,
  ) {
    this.open();
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
    this.peer?.destroy();
    this.links.clear();
    this.listeners.clear();
  }

  private open(): void {
    const secure = this.server.protocol === 'https:';
    const peer = new Peer(this.options.self, {
      host: this.server.hostname,
      port: Number(this.server.port) || (secure ? 443 : 80),
      path: PEERJS_PATH,
      key: 'peerjs',
      secure,
      config: { iceServers: this.options.iceServers ?? [] },
    });
    this.peer = peer;
    peer.on('open', () => {
      for (const bee of this.waiting) this.link(bee);
      this.waiting.clear();
    });
    peer.on('connection', (conn) => this.onIncoming(conn));
    peer.on('disconnected', () => {
      if (!this.destroyed && !peer.destroyed) peer.reconnect();
    });
    peer.on('error', (err) => {
      if (err.type === 'unavailable-id' && !this.destroyed) {
        peer.destroy();
        setTimeout(() => this.destroyed || this.open(), ID_TAKEN_RETRY_MS);
      } else if (err.type === 'peer-unavailable') {
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
