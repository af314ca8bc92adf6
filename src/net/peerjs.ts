// The PeerJS transport (?transport=peerjs): links are PeerJS DataConnections, signalled by the
// PeerJS endpoint the signaling server serves at /peerjs. Bee id = PeerJS peer id; the server
// admits it only with the token the bee's proven join at /signal brought (signaling-client.ts).
// Limit: PeerJS signals only through its server, so with the server gone no new links form.
// When the signaling client moves to another server, the Peer follows: the old one disconnects
// (its links stay open) and a new one with the same id opens at the new server.

import { Peer, type DataConnection } from 'peerjs';
import { SendQueue } from './send-queue';
import { linkFingerprints } from './dtls-fingerprints';
import { IceWatch } from './ice-watch';
import { Listeners, type LinkEvent, type LinkFingerprints, type Transport, type TransportOptions } from './transport';

export const PEERJS_PATH = '/peerjs';
/** Wait before reconnecting to a PeerJS endpoint that dropped us, so a server restart is no storm. */
const RECONNECT_MS = 1000;

/** Where the PeerJS token comes from: the signaling client, with every welcome. */
export interface PeerJsPass {
  readonly token: string | null;
  /** The server (page origin) that issued `token`; it hosts the PeerJS endpoint too. */
  readonly server: URL;
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
  /** Where `peer` is connected, and earlier Peers whose links outlive their server. */
  private peerServer = '';
  private readonly retired: Peer[] = [];
  private readonly links = new Map<string, ConnLink>();
  /** Connections offered anew by a bee whose link is open, until they prove themselves or fail. */
  private readonly rivals = new Map<string, ConnLink>();
  /** Links asked for before the PeerServer connection opened. */
  private readonly waiting = new Set<string>();
  private readonly listeners = new Listeners<LinkEvent>();
  private readonly stopPass: () => void;
  /** The token of the latest attempt, and the last one the server refused (it waits for a new one). */
  private usedToken: string | null = null;
  private refusedToken: string | null = null;
  private destroyed = false;
  private readonly ice: IceWatch;

  constructor(
    private readonly options: TransportOptions,
    private readonly pass: PeerJsPass,
  ) {
    this.ice = new IceWatch(options.problem ?? (() => {}));
    this.stopPass = pass.subscribe((event) => event.type === 'welcome' && this.connect());
    this.connect();
  }

  link(peer: string): void {
    if (this.destroyed || this.links.has(peer)) return;
    if (!this.peer?.open) {
      this.waiting.add(peer);
      return;
    }
    let conn: DataConnection;
    try {
      conn = this.peer.connect(peer, { reliable: true, serialization: 'raw' });
    } catch (err) {
      // The browser refused the ICE server list: no link to anyone can be built.
      this.options.problem?.(`could not build a peer connection: ${(err as Error).message}`);
      this.listeners.emit({ type: 'closed', peer, reason: 'ERR_PC_CONSTRUCTOR' });
      return;
    }
    this.adopt(peer, conn);
  }

  send(peer: string, frame: string, rival = false): boolean {
    const queue = (rival ? this.rivals : this.links).get(peer)?.queue;
    if (!queue) return false;
    queue.send(frame);
    return true;
  }

  unlink(peer: string, rival = false): void {
    const link = (rival ? this.rivals : this.links).get(peer);
    if (link) this.drop(peer, link, 'closed here');
    else if (!rival && this.waiting.delete(peer)) this.listeners.emit({ type: 'closed', peer, reason: 'closed here' });
  }

  promote(peer: string): void {
    const rival = this.rivals.get(peer);
    if (!rival) return;
    this.rivals.delete(peer);
    const old = this.links.get(peer);
    this.links.set(peer, rival);
    if (!old) return;
    old.conn.close();
    this.listeners.emit({ type: 'closed', peer, reason: 'replaced by a new link' });
  }

  fingerprints(peer: string, rival = false): LinkFingerprints | null {
    return linkFingerprints((rival ? this.rivals : this.links).get(peer)?.conn.peerConnection);
  }

  get candidates() {
    return this.ice.candidates;
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.destroyed = true;
    this.stopPass();
    this.peer?.destroy();
    for (const peer of this.retired) peer.destroy();
    this.links.clear();
    this.rivals.clear();
    this.listeners.clear();
  }

  /**
   * Reach the PeerJS endpoint with the newest token, unless connected already: a first connection,
   * a reconnection (links stay up meanwhile) or, after the server refused a token, a new Peer.
   */
  private connect(): void {
    const token = this.pass.token;
    if (this.destroyed || token === null || token === this.refusedToken) return;
    if (this.peer && !this.peer.destroyed && this.peerServer !== this.pass.server.href) {
      this.peer.disconnect();
      this.retired.push(this.peer);
      this.peer = null;
    }
    const peer = this.peer;
    // A (re)join's welcome may bring fresh TURN credentials: new connections take them.
    if (peer) peer.options.config = this.config();
    if (peer && !peer.destroyed && !peer.disconnected) return;
    this.usedToken = token;
    if (peer && !peer.destroyed) {
      peer.options.token = token;
      peer.reconnect();
    } else this.open(token);
  }

  private config(): RTCConfiguration {
    return this.options.ice?.() ?? { iceServers: [] };
  }

  private open(token: string): void {
    const server = this.pass.server;
    const secure = server.protocol === 'https:' || server.protocol === 'wss:';
    const peer = new Peer(this.options.self, {
      host: server.hostname,
      port: Number(server.port) || (secure ? 443 : 80),
      path: PEERJS_PATH,
      key: 'peerjs',
      token,
      secure,
      config: this.config(),
    });
    this.peer = peer;
    this.peerServer = server.href;
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
    // An open link is not given up for a newcomer that has proved nothing yet (see simple-peer.ts).
    if (existing?.queue) {
      const rival = this.rivals.get(conn.peer);
      if (rival) this.drop(conn.peer, rival, 'replaced by a newer rival');
      this.adopt(conn.peer, conn, true);
      return;
    }
    if (existing) this.drop(conn.peer, existing, 'replaced by a new link');
    this.adopt(conn.peer, conn);
  }

  private adopt(peer: string, conn: DataConnection, rival = false): void {
    this.connectionsCreated++;
    this.ice.watch(conn.peerConnection, peer);
    const link: ConnLink = { conn, queue: null };
    (rival ? this.rivals : this.links).set(peer, link);
    /** What this link is now (a rival becomes the link when promoted), or null once it is gone. */
    const role = () => (this.links.get(peer) === link ? {} : this.rivals.get(peer) === link ? { rival: true as const } : null);
    conn.on('open', () => {
      const as = role();
      if (!as) return;
      link.queue = new SendQueue(conn.dataChannel, () => this.drop(peer, link, 'stuck'));
      this.listeners.emit({ type: 'open', peer, ...as });
    });
    conn.on('data', (data) => {
      const as = role();
      if (as && typeof data === 'string') this.listeners.emit({ type: 'frame', peer, frame: data, ...as });
    });
    conn.on('close', () => this.drop(peer, link, 'closed'));
    conn.on('error', (err) => this.drop(peer, link, err.type));
  }

  private drop(peer: string, link: ConnLink, reason: string): void {
    const rival = this.rivals.get(peer) === link;
    if (!rival && this.links.get(peer) !== link) return;
    (rival ? this.rivals : this.links).delete(peer);
    link.conn.close();
    this.listeners.emit({ type: 'closed', peer, reason, ...(rival ? { rival: true as const } : {}) });
  }
}
