// A Transport that opens a link to the driver only once the far end has authenticated (see
// handshake.ts): until then its frames are handshake frames, and anything else refuses the link.
// Wraps any transport (simple-peer, PeerJS, in-memory), so the protocol above it sees `open` only
// for bees that proved their ids, and never a frame from any other.

import type { RandomSource } from '../crypto/random';
import { remember } from '../hive/bounded';
import { Listeners, type LinkEvent, type Transport } from '../net/transport';
import { GuessLimit, type GuessLimitOptions } from './guess-limit';
import { LinkHandshake, type LinkSecrets, type Refusal, REFUSALS } from './handshake';

/** Longer than a handshake ever takes (a few ms of crypto and two frames each way). */
export const HANDSHAKE_TIMEOUT_MS = 8000;
/**
 * A bee refused for a false proof (a key that is not its id's, a bad signature, a garbled
 * handshake) is not linked again for this long: each attempt costs an RTCPeerConnection, and
 * Chrome allows a page about 500 in its lifetime. Slowness and passphrase mismatches are not held
 * against a bee: it may be joining, or retyping its passphrase (a reload keeps its id). Wrong
 * passphrases have a limit of their own (guess-limit.ts).
 */
export const REFUSE_FOR_MS = 60_000;
const HELD_AGAINST: ReadonlySet<Refusal> = new Set(['bad-handshake', 'id-mismatch', 'bad-signature']);
/** Refused bees remembered at most (the oldest are forgotten first). */
const REFUSED_REMEMBERED = 1000;

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
  refuseForMs?: number;
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

export class AuthenticatedTransport implements Transport {
  readonly counters: LinkCounters = {
    authenticated: 0,
    bound: 0,
    refused: 0,
    refusals: Object.fromEntries(REFUSALS.map((reason) => [reason, 0])) as Record<Refusal, number>,
    handshakeMs: 0,
  };
  private readonly listeners = new Listeners<LinkEvent>();
  /** Links open at the transport and still proving themselves, with their timeout. */
  private readonly pending = new Map<string, { handshake: LinkHandshake; timer: ReturnType<typeof setTimeout> }>();
  private readonly authenticated = new Set<string>();
  /** When a bee was last refused for what it proved. */
  private readonly refusedAt = new Map<string, number>();
  private readonly guesses: GuessLimit;
  private readonly stopRaw: () => void;
  private readonly now: () => number;

  constructor(
    private readonly raw: Transport,
    private readonly options: AuthOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.guesses = new GuessLimit(options.guesses);
    this.stopRaw = raw.subscribe((event) => this.onRaw(event));
  }

  get kind(): Transport['kind'] {
    return this.raw.kind;
  }

  get connectionsCreated(): number {
    return this.raw.connectionsCreated;
  }

  link(peer: string): void {
    if (this.refusedRecently(peer) || !this.admitted(peer) || this.guesses.exhausted(peer, this.now())) {
      // Fails like a link that never opened, so the protocol rests this bee and picks another.
      queueMicrotask(() => this.listeners.emit({ type: 'closed', peer, reason: 'refused' }));
      return;
    }
    this.raw.link(peer);
  }

  send(peer: string, frame: string): boolean {
    return this.authenticated.has(peer) && this.raw.send(peer, frame);
  }

  unlink(peer: string): void {
    this.raw.unlink(peer);
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.stopRaw();
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.authenticated.clear();
    this.listeners.clear();
    this.raw.destroy();
  }

  private onRaw(event: LinkEvent): void {
    const { peer } = event;
    switch (event.type) {
      case 'open':
        this.begin(peer);
        return;
      case 'frame':
        if (this.authenticated.has(peer)) this.listeners.emit(event);
        else this.prove(peer, event.frame);
        return;
      case 'closed':
        this.end(peer);
        this.authenticated.delete(peer);
        this.listeners.emit(event);
        return;
    }
  }

  private begin(peer: string): void {
    this.end(peer);
    this.authenticated.delete(peer);
    if (this.refusedRecently(peer)) {
      this.raw.unlink(peer);
      return;
    }
    if (!this.admitted(peer)) {
      this.count(peer, 'banned');
      this.raw.unlink(peer);
      return;
    }
    if (this.guesses.exhausted(peer, this.now())) {
      this.count(peer, 'too-many-guesses');
      this.raw.unlink(peer);
      return;
    }
    const started = performance.now();
    const handshake = new LinkHandshake(this.options.secrets, peer, () => this.raw.fingerprints?.(peer) ?? null, this.options.random);
    this.counters.handshakeMs += performance.now() - started;
    const timer = setTimeout(() => this.refuse(peer, 'timeout'), this.options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    this.pending.set(peer, { handshake, timer });
    this.raw.send(peer, handshake.hello);
  }

  private prove(peer: string, frame: string): void {
    // A transport may hand over a frame before its own `open` (simple-peer does): the link is up.
    if (!this.pending.has(peer)) this.begin(peer);
    const pending = this.pending.get(peer);
    if (!pending) return;
    const started = performance.now();
    const step = pending.handshake.receive(frame);
    this.counters.handshakeMs += performance.now() - started;
    if ('send' in step) this.raw.send(peer, step.send);
    else if ('refused' in step) this.refuse(peer, step.refused);
    else {
      this.end(peer);
      this.authenticated.add(peer);
      this.counters.authenticated++;
      if (pending.handshake.bound) this.counters.bound++;
      this.listeners.emit({ type: 'open', peer });
    }
  }

  private refuse(peer: string, reason: Refusal): void {
    if (!this.pending.has(peer)) return;
    this.end(peer);
    this.count(peer, reason);
    if (HELD_AGAINST.has(reason)) {
      remember(this.refusedAt, peer, this.now(), REFUSED_REMEMBERED);
    }
    if (reason === 'wrong-passphrase') this.guesses.failed(peer, this.now());
    this.raw.unlink(peer);
  }

  private count(peer: string, reason: Refusal): void {
    this.counters.refused++;
    this.counters.refusals[reason]++;
    this.options.onRefused?.(peer, reason);
  }

  private admitted(peer: string): boolean {
    return this.options.admit?.(peer) ?? true;
  }

  private end(peer: string): void {
    const pending = this.pending.get(peer);
    if (pending) clearTimeout(pending.timer);
    this.pending.delete(peer);
  }

  private refusedRecently(peer: string): boolean {
    const at = this.refusedAt.get(peer);
    if (at === undefined) return false;
    if (this.now() - at < (this.options.refuseForMs ?? REFUSE_FOR_MS)) return true;
    this.refusedAt.delete(peer);
    return false;
  }
}
