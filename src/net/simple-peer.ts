// The default transport: one simple-peer (RTCPeerConnection + data channel) per linked bee, with
// signals carried by whatever Signaler the driver provides (the server or, later, the mesh).

// The maintained ESM simple-peer, data channels only (its lite entry): no Node globals to polyfill.
import SimplePeer, { type SignalData } from '@thaunknown/simple-peer/lite.js';
import { SendQueue } from './send-queue';
import { linkFingerprints } from './dtls-fingerprints';
import { IceWatch } from './ice-watch';
import { Listeners, type LinkEvent, type LinkFingerprints, type Signaler, type Transport, type TransportOptions } from './transport';

/** What travels through the Signaler: simple-peer's signal, tagged with the link it belongs to. */
interface LinkSignal {
  /** Chosen by the initiator; tells a fresh link from stale signals of an older one. */
  link: string;
  /** Sent by the initiator (offers and its candidates) rather than the responder. */
  init: boolean;
  sp: SignalData;
}

/** The responder's answer to an offer it declines (TransportOptions.accepts): no connection was built. */
interface LinkRefusal {
  link: string;
  refused: true;
}

/** Offers declined lately, by link nonce: their trickled candidates are dropped rather than answered. */
const DECLINED_KEPT = 64;

interface PeerLink {
  peer: SimplePeer;
  nonce: string;
  initiator: boolean;
  queue: SendQueue | null;
}

const randomNonce = (): string => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

function parseLinkSignal(data: unknown): LinkSignal | LinkRefusal | null {
  if (typeof data !== 'object' || data === null) return null;
  const s = data as Record<string, unknown>;
  if (typeof s.link !== 'string') return null;
  if (s.refused === true) return { link: s.link, refused: true };
  return typeof s.init === 'boolean' && typeof s.sp === 'object' && s.sp !== null ? { link: s.link, init: s.init, sp: s.sp as SignalData } : null;
}

export class SimplePeerTransport implements Transport {
  readonly kind = 'simple-peer';
  connectionsCreated = 0;
  private readonly links = new Map<string, PeerLink>();
  /** Links offered anew by a bee whose link is open, until they prove themselves or fail. */
  private readonly rivals = new Map<string, PeerLink>();
  private readonly listeners = new Listeners<LinkEvent>();
  private readonly declined = new Set<string>();
  private readonly stopSignals: () => void;
  private destroyed = false;
  private readonly ice: IceWatch;

  constructor(
    private readonly options: TransportOptions,
    private readonly signaler: Signaler,
  ) {
    this.ice = new IceWatch(options.problem ?? (() => {}));
    this.stopSignals = signaler.onSignal((from, data) => this.onSignal(from, data));
  }

  link(peer: string): void {
    if (this.destroyed || this.links.has(peer)) return;
    this.create(peer, randomNonce(), true);
  }

  send(peer: string, frame: string, rival = false): boolean {
    const queue = (rival ? this.rivals : this.links).get(peer)?.queue;
    if (!queue) return false;
    queue.send(frame);
    return true;
  }

  unlink(peer: string, rival = false): void {
    (rival ? this.rivals : this.links).get(peer)?.peer.destroy();
  }

  promote(peer: string): void {
    const rival = this.rivals.get(peer);
    if (!rival) return;
    this.rivals.delete(peer);
    const old = this.links.get(peer);
    this.links.set(peer, rival);
    if (!old) return;
    old.peer.destroy();
    this.listeners.emit({ type: 'closed', peer, reason: 'replaced by a new link' });
  }

  fingerprints(peer: string, rival = false): LinkFingerprints | null {
    // simple-peer keeps its RTCPeerConnection private, as it does its data channel (below).
    return linkFingerprints(((rival ? this.rivals : this.links).get(peer)?.peer as unknown as { _pc?: RTCPeerConnection } | undefined)?._pc);
  }

  get candidates() {
    return this.ice.candidates;
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.destroyed = true;
    this.stopSignals();
    for (const link of [...this.links.values(), ...this.rivals.values()]) link.peer.destroy();
    this.links.clear();
    this.rivals.clear();
    this.listeners.clear();
  }

  private onSignal(from: string, data: unknown): void {
    const signal = parseLinkSignal(data);
    if (!signal || this.destroyed) return;
    let link = this.links.get(from);
    if ('refused' in signal) {
      // Only the link we are dialling can be refused; an open one is not the offer's business.
      if (link?.nonce === signal.link && link.initiator && !link.queue) this.drop(from, link, 'refused');
      return;
    }
    const rival = this.rivals.get(from);
    if (rival?.nonce === signal.link) return rival.peer.signal(signal.sp);
    if (signal.init && !link && (this.declined.has(signal.link) || !(this.options.accepts?.(from) ?? true))) return this.decline(from, signal);
    if (signal.init && link?.nonce !== signal.link) {
      // An offer for a link we do not have. If we are offering too (glare), the smaller id's
      // offer wins. If our link is open, the bee may have reloaded, or someone else may claim its
      // id: the offer becomes a rival that replaces the link only once it proves itself.
      if (link?.initiator && !link.queue && this.options.self < from) return;
      if (link?.queue) {
        if (rival) this.drop(from, rival, 'replaced by a newer rival');
        this.create(from, signal.link, false, true).peer.signal(signal.sp);
        return;
      }
      if (link) this.drop(from, link, 'replaced by a new link');
      link = this.create(from, signal.link, false);
    }
    if (!link || link.nonce !== signal.link) return; // stale signal of a link that is gone
    link.peer.signal(signal.sp);
  }

  /** Declines an offer without building a connection; its trickled candidates are dropped quietly. */
  private decline(from: string, signal: LinkSignal): void {
    if (this.declined.has(signal.link)) return;
    this.declined.add(signal.link);
    if (this.declined.size > DECLINED_KEPT) this.declined.delete(this.declined.values().next().value!);
    this.signaler.sendSignal(from, { link: signal.link, refused: true } satisfies LinkRefusal);
  }

  private create(peer: string, nonce: string, initiator: boolean, rival = false): PeerLink {
    const instance = new SimplePeer({ initiator, trickle: true, objectMode: true, config: this.options.ice?.() ?? { iceServers: [] } });
    this.connectionsCreated++;
    // simple-peer keeps its RTCPeerConnection private (none when building it failed).
    this.ice.watch((instance as unknown as { _pc?: RTCPeerConnection })._pc, peer);
    const link: PeerLink = { peer: instance, nonce, initiator, queue: null };
    (rival ? this.rivals : this.links).set(peer, link);
    instance.on('signal', (sp: SignalData) => this.signaler.sendSignal(peer, { link: nonce, init: initiator, sp } satisfies LinkSignal));
    /** What this link is now (a rival becomes the link when promoted), or null once it is gone. */
    const role = () => (this.links.get(peer) === link ? {} : this.rivals.get(peer) === link ? { rival: true as const } : null);
    const open = () => {
      const as = role();
      if (!as || link.queue) return;
      // simple-peer keeps its RTCDataChannel private; we need it for bufferedAmount events.
      const channel = (instance as unknown as { _channel: RTCDataChannel })._channel;
      link.queue = new SendQueue(channel, () => instance.destroy());
      this.listeners.emit({ type: 'open', peer, ...as });
    };
    instance.on('connect', open);
    instance.on('data', (data: Uint8Array | string) => {
      const as = role();
      if (!as) return;
      // The far end may write before our 'connect' fires (it waits on ICE state as well): the
      // channel is open once data arrives, so open the link first rather than drop the frame.
      open();
      const frame = typeof data === 'string' ? data : new TextDecoder().decode(data);
      this.listeners.emit({ type: 'frame', peer, frame, ...as });
    });
    instance.on('close', () => this.drop(peer, link, 'closed'));
    // When the channel or the connection closes under it, simple-peer 10 ends the stream but never
    // emits 'close' (9.x did): 'end' is how the far end's leaving shows (measured in Chromium).
    instance.on('end', () => this.drop(peer, link, 'closed'));
    instance.on('error', (err: Error & { code?: string }) => {
      // An ICE server list the browser refuses fails every link alike: say it once, in its words.
      if (err.code === 'ERR_PC_CONSTRUCTOR') this.options.problem?.(`could not build a peer connection: ${err.message}`);
      this.drop(peer, link, err.code ?? err.message);
    });
    return link;
  }

  private drop(peer: string, link: PeerLink, reason: string): void {
    const rival = this.rivals.get(peer) === link;
    if (!rival && this.links.get(peer) !== link) return;
    (rival ? this.rivals : this.links).delete(peer);
    link.peer.destroy();
    this.listeners.emit({ type: 'closed', peer, reason, ...(rival ? { rival: true as const } : {}) });
  }
}
