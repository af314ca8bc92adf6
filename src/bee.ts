// The driver: the one place where the protocol core meets real time, real links and the page.
// It turns timers, transport and signaling events into protocol events, carries out the effects
// the core returns, and exposes the bee to tests and tools as `window.hive`.

import { encodeFrame, MAX_BODY_BYTES, parseFrame } from './hive/frames';
import { Protocol, type Delivered, type Effect, type HiveEvent, type Snapshot } from './hive/protocol';
import { seededRng } from './hive/rng';
import { PeerJsTransport } from './net/peerjs';
import { isBeeId } from './net/signal-protocol';
import { SignalingClient } from './net/signaling-client';
import { SimplePeerTransport } from './net/simple-peer';
import { Listeners, MAX_FRAME_BYTES, type Transport, type TransportKind } from './net/transport';

const TICK_MS = 250;
const INBOX_LIMIT = 1000;
const PROBLEM_LIMIT = 20;

export interface BeeOptions {
  colony: string;
  transport: Exclude<TransportKind, 'memory'>;
  /** The signaling server's page origin (it also hosts PeerJS). */
  server: URL;
  iceServers: RTCIceServer[];
}

/** The protocol's view of this bee, plus what only the page knows. */
export interface HiveSnapshot extends Snapshot {
  colony: string;
  version: number;
  transport: BeeOptions['transport'];
  signaling: boolean;
}

export type InboxEntry = Delivered;

/** The automation contract (DESIGN.md): what tests and tools may rely on. */
export interface HiveApi {
  ready: Promise<void>;
  id: string;
  snapshot(): HiveSnapshot;
  send(to: string, body: unknown): Promise<void>;
  broadcast(body: unknown): Promise<void>;
  inbox(): InboxEntry[];
  /** A queen hands her throne to her best worker; resolves once a successor reigns. */
  abdicate(): Promise<void>;
}

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/** A rejected promise for a body that cannot travel, or undefined when it can. */
function checkBody(body: unknown): Promise<never> | undefined {
  const size = JSON.stringify(body ?? null).length;
  if (body !== undefined && size <= MAX_BODY_BYTES) return undefined;
  return Promise.reject(new Error(`message body must be JSON of at most ${MAX_BODY_BYTES} bytes (got ${size})`));
}

export class Bee implements HiveApi {
  readonly id = randomHex(8);
  readonly ready: Promise<void>;
  /** Recent problems worth showing (signaling errors); never thrown at the page. */
  readonly problems: string[] = [];
  private readonly protocol: Protocol;
  private readonly signaling: SignalingClient;
  private readonly transport: Transport;
  private readonly received: InboxEntry[] = [];
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private readonly changes = new Listeners<void>();
  private nextRef = 1;
  private timer: ReturnType<typeof setInterval>;

  constructor(private readonly options: BeeOptions) {
    this.protocol = new Protocol(this.id, seededRng(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0));
    this.signaling = new SignalingClient(SignalingClient.urlFor(options.server), options.colony, this.id);
    this.transport =
      options.transport === 'peerjs'
        ? new PeerJsTransport({ self: this.id, iceServers: options.iceServers }, options.server)
        : new SimplePeerTransport({ self: this.id, iceServers: options.iceServers }, this.signaling);

    this.ready = new Promise((resolve) => {
      const stop = this.signaling.subscribe((event) => {
        if (event.type === 'welcome') {
          stop();
          resolve();
        }
      });
    });
    this.signaling.subscribe((event) => {
      if (event.type === 'welcome') this.step({ type: 'welcome', peers: event.peers });
      else if (event.type === 'left') this.step({ type: 'beeLeft', bee: event.bee });
      else if (event.type === 'error') this.problem(`signaling: ${event.code} ${event.message}`);
      else this.changes.emit();
    });
    this.transport.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else {
        const frame = event.frame.length <= MAX_FRAME_BYTES ? parseFrame(event.frame) : null;
        this.step(frame ? { type: 'frame', peer: event.peer, frame } : { type: 'malformed', peer: event.peer });
      }
    });
    this.timer = setInterval(() => this.step({ type: 'tick' }), TICK_MS);
    // A hidden tab has throttled timers and may be closed any moment: a poor queen.
    const visibility = () => this.step({ type: 'visibility', visible: document.visibilityState === 'visible' });
    document.addEventListener('visibilitychange', visibility);
    visibility();
  }

  snapshot(): HiveSnapshot {
    return {
      ...this.protocol.snapshot(),
      colony: this.options.colony,
      version: 0,
      transport: this.options.transport,
      signaling: this.signaling.connected,
    };
  }

  send(to: string, body: unknown): Promise<void> {
    if (!isBeeId(to)) return Promise.reject(new Error(`not a bee id: ${String(to)}`));
    return checkBody(body) ?? this.request((ref) => ({ type: 'send', ref, to, body }));
  }

  broadcast(body: unknown): Promise<void> {
    return checkBody(body) ?? this.request((ref) => ({ type: 'broadcast', ref, body }));
  }

  inbox(): InboxEntry[] {
    return this.received.map((entry) => ({ ...entry, route: [...entry.route] }));
  }

  abdicate(): Promise<void> {
    return this.request((ref) => ({ type: 'abdicate', ref }));
  }

  /** UI hook: called after anything that may change the snapshot or inbox. */
  subscribe(listener: () => void): () => void {
    return this.changes.add(listener);
  }

  /**
   * The tab is going away: a queen crowns a successor, and every bee says goodbye to its
   * neighbours so they need not wait for timeouts.
   */
  leave(): void {
    this.step({ type: 'leave' });
    clearInterval(this.timer);
    this.transport.destroy();
    this.signaling.close();
  }

  /** Step an event that the protocol settles later, as a promise of that outcome. */
  private request(event: (ref: number) => HiveEvent): Promise<void> {
    const ref = this.nextRef++;
    const settled = new Promise<void>((resolve, reject) => this.pending.set(ref, { resolve, reject }));
    this.step(event(ref));
    return settled;
  }

  private step(event: HiveEvent): void {
    const effects = this.protocol.step(event, Date.now());
    for (const effect of effects) this.apply(effect);
    if (event.type !== 'tick' || effects.length > 0) this.changes.emit();
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'link':
        this.transport.link(effect.peer);
        break;
      case 'unlink':
        this.transport.unlink(effect.peer);
        break;
      case 'sample':
        this.signaling.requestSample();
        break;
      case 'persist':
        // Bee ids last one page load for now, so a vote has nothing to outlive; the IndexedDB
        // store (issue 6) writes it here, before the frames that follow it are sent.
        break;
      case 'send':
        this.transport.send(effect.peer, encodeFrame(effect.frame));
        break;
      case 'deliver':
        this.received.push(effect.message);
        if (this.received.length > INBOX_LIMIT) this.received.shift();
        break;
      case 'settled': {
        const waiter = this.pending.get(effect.ref);
        this.pending.delete(effect.ref);
        if (effect.ok) waiter?.resolve();
        else waiter?.reject(new Error(effect.reason));
        break;
      }
    }
  }

  private problem(text: string): void {
    this.problems.push(text);
    if (this.problems.length > PROBLEM_LIMIT) this.problems.shift();
    this.changes.emit();
  }
}
