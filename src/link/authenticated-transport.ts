// A Transport that opens a link to the driver only once the far end has authenticated (see
// handshake.ts): until then its frames are handshake frames, and anything else refuses the link.
// Wraps any transport (simple-peer, PeerJS, in-memory), so the protocol above it sees `open` only
// for bees that proved their ids, and never a frame from any other. A rival link (a bee offering
// a new link while its link to us is open: a reload, or someone claiming its id) proves itself
// the same way, and replaces the link only if it does; until then the link carries on untouched.
//
// A refusal is never held against the bee the far end claimed to be: no refusal proves that bee
// did anything (a hello can carry any bee's public key, since keys are public), so blaming it
// would let anyone who can offer a link in its name keep it out. Only signed misconduct is
// punished, by the protocol (eviction).

import type { RandomSource } from '../crypto/random';
import { Listeners, type LinkEvent, type Transport } from '../net/transport';
import { Bundler, unbundle } from './bundler';
import { GuessLimit, type GuessLimitOptions } from './guess-limit';
import { LinkHandshake, type LinkSecrets, type Refusal, REFUSALS } from './handshake';

/** Longer than a handshake ever takes (a few ms of crypto and two frames each way). */
export const HANDSHAKE_TIMEOUT_MS = 8000;

export interface LinkCounters {
  authenticated: number;
  /** Of those, links whose proofs were bound to their DTLS connection. */
  bound: number;
  refused: number;
  /** Refusals by reason. */
  refusals: Record<Refusal, number>;
  /** Milliseconds of handshake crypto (key proofs and, with a passphrase, the PAKE), both ends' frames. */
  handshakeMs: number;
}

export interface AuthOptions {
  secrets: LinkSecrets;
  timeoutMs?: number;
  /** The clock the guess limit counts by. */
  now?: () => number;
  random?: RandomSource;
  /** Told of each refused link, e.g. for the event log. */
  onRefused?: (peer: string, reason: Refusal) => void;
  /**
   * Whether to link with `peer` at all, asked before every link in either direction; false
   * refuses it as `banned`, with no handshake. Eviction's hook: an evicted bee stays out.
   */
  admit?: (peer: string) => boolean;
  /** How many wrong passphrases a bee may try (defaults in guess-limit.ts). */
  guesses?: GuessLimitOptions;
}

/** A link still proving itself: the link to a bee, or its rival. */
interface Pending {
  handshake: LinkHandshake;
  timer: ReturnType<typeof setTimeout>;
}

export class AuthenticatedTransport implements Transport {
  readonly counters: LinkCounters = {
    authenticated: 0,
    bound: 0,
    refused: 0,
    refusals: Object.fromEntries(REFUSALS.map((reason) => [reason, 0])) as Record<Refusal, number>,
    handshakeMs: 0,
  };
  private readonly listeners = new Listeners<LinkEvent>();
  /** Links open at the transport and still proving themselves, and rivals doing the same. */
  private readonly pending = new Map<string, Pending>();
  private readonly pendingRivals = new Map<string, Pending>();
  private readonly authenticated = new Set<string>();
  /** An authenticated link's frames of one task leave as one message (handshake frames go alone). */
  private readonly bundler: Bundler;
  private readonly guesses: GuessLimit;
  private readonly now: () => number;
  private readonly stopRaw: () => void;

  constructor(
    private readonly raw: Transport,
    private readonly options: AuthOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.guesses = new GuessLimit(options.guesses);
    this.bundler = new Bundler((peer, message) => this.raw.send(peer, message));
    this.stopRaw = raw.subscribe((event) => this.onRaw(event));
  }

  get kind(): Transport['kind'] {
    return this.raw.kind;
  }

  get connectionsCreated(): number {
    return this.raw.connectionsCreated;
  }

  link(peer: string): void {
    if (!this.admitted(peer) || this.guesses.exhausted(peer, this.now())) {
      // Fails like a link that never opened, so the protocol rests this bee and picks another.
      queueMicrotask(() => this.listeners.emit({ type: 'closed', peer, reason: 'refused' }));
      return;
    }
    this.raw.link(peer);
  }

  /** True when the link is open: the frame leaves with the others of this task. */
  send(peer: string, frame: string): boolean {
    if (!this.authenticated.has(peer)) return false;
    this.bundler.add(peer, frame);
    return true;
  }

  unlink(peer: string): void {
    this.bundler.flush(peer);
    this.raw.unlink(peer);
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.bundler.flush();
    this.stopRaw();
    for (const { timer } of [...this.pending.values(), ...this.pendingRivals.values()]) clearTimeout(timer);
    this.pending.clear();
    this.pendingRivals.clear();
    this.authenticated.clear();
    this.listeners.clear();
    this.raw.destroy();
  }

  private onRaw(event: LinkEvent): void {
    const { peer } = event;
    const rival = event.rival === true;
    switch (event.type) {
      case 'open':
        this.begin(peer, rival);
        return;
      case 'frame':
        if (!rival && this.authenticated.has(peer)) {
          // A frame may end the link (a ban): the rest of its bundle dies with it, as it would have on the wire.
          for (const frame of unbundle(event.frame)) if (this.authenticated.has(peer)) this.listeners.emit({ type: 'frame', peer, frame });
        }
        else this.prove(peer, event.frame, rival);
        return;
      case 'closed':
        this.end(peer, rival);
        if (rival) return; // the link it challenged carries on
        this.authenticated.delete(peer);
        this.bundler.drop(peer);
        this.listeners.emit(event);
        return;
    }
  }

  private begin(peer: string, rival: boolean): void {
    this.end(peer, rival);
    if (!rival) this.authenticated.delete(peer);
    if (!this.admitted(peer)) {
      this.count(peer, 'banned');
      this.raw.unlink(peer, rival);
      return;
    }
    if (this.guesses.exhausted(peer, this.now())) {
      this.count(peer, 'too-many-guesses');
      this.raw.unlink(peer, rival);
      return;
    }
    const started = performance.now();
    const fingerprints = () => this.raw.fingerprints?.(peer, rival) ?? null;
    const handshake = new LinkHandshake(this.options.secrets, peer, fingerprints, this.options.random);
    this.counters.handshakeMs += performance.now() - started;
    const timer = setTimeout(() => this.refuse(peer, rival, 'timeout'), this.options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    this.slots(rival).set(peer, { handshake, timer });
    this.raw.send(peer, handshake.hello, rival);
  }

  private prove(peer: string, frame: string, rival: boolean): void {
    // A transport may hand over a frame before its own `open` (simple-peer does): the link is up.
    if (!this.slots(rival).has(peer)) this.begin(peer, rival);
    const pending = this.slots(rival).get(peer);
    if (!pending) return;
    const started = performance.now();
    const step = pending.handshake.receive(frame);
    this.counters.handshakeMs += performance.now() - started;
    if ('send' in step) this.raw.send(peer, step.send, rival);
    else if ('refused' in step) this.refuse(peer, rival, step.refused);
    else {
      this.end(peer, rival);
      // A rival that proved itself replaces the link: the protocol sees the old link close and
      // the new one open, as after any reconnection. What was sent on the old link goes on it.
      if (rival) {
        this.bundler.flush(peer);
        this.raw.promote?.(peer);
      }
      this.authenticated.add(peer);
      this.counters.authenticated++;
      if (pending.handshake.bound) this.counters.bound++;
      this.listeners.emit({ type: 'open', peer });
    }
  }

  private refuse(peer: string, rival: boolean, reason: Refusal): void {
    if (!this.slots(rival).has(peer)) return;
    this.end(peer, rival);
    this.count(peer, reason);
    if (reason === 'wrong-passphrase') this.guesses.failed(peer, this.now());
    this.raw.unlink(peer, rival);
  }

  private count(peer: string, reason: Refusal): void {
    this.counters.refused++;
    this.counters.refusals[reason]++;
    this.options.onRefused?.(peer, reason);
  }

  private admitted(peer: string): boolean {
    return this.options.admit?.(peer) ?? true;
  }

  private slots(rival: boolean): Map<string, Pending> {
    return rival ? this.pendingRivals : this.pending;
  }

  private end(peer: string, rival: boolean): void {
    const pending = this.slots(rival).get(peer);
    if (pending) clearTimeout(pending.timer);
    this.slots(rival).delete(peer);
  }
}
