// The links as the protocol should see them: authenticated (AuthenticatedTransport) and carrying
// only envelopes whose origin checked out (EnvelopeGuard). The driver speaks protocol frames to
// this, and raw strings never reach the protocol.

import type { RandomSource } from '../crypto/random';
import type { HiveEvent } from '../hive/events';
import type { Frame } from '../hive/frames';
import { Listeners, MAX_FRAME_BYTES, type Transport } from '../net/transport';
import { AuthenticatedTransport, type LinkCounters } from './authenticated-transport';
import { EnvelopeGuard, type GuardCounters, type GuardOptions } from './envelope-guard';
import type { LinkSecrets, Refusal } from './handshake';

export type SecureLinkEvent =
  | { type: 'open'; peer: string }
  | { type: 'closed'; peer: string; reason: string }
  | { type: 'frame'; peer: string; frame: Frame }
  /** Not a frame at all, or over MAX_FRAME_BYTES: for the protocol to count. */
  | { type: 'malformed'; peer: string };

/** Whom a dropped envelope is held against: its signer when oversized, else the link it came on. */
export function misconduct(peer: string, reason: Parameters<NonNullable<GuardOptions['onDropped']>>[1], origin: string): HiveEvent {
  return reason === 'oversized' ? { type: 'misconduct', peer, offence: reason, origin } : { type: 'misconduct', peer, offence: reason };
}

export interface SecurityCounters {
  links: LinkCounters;
  envelopes: GuardCounters;
}

export interface SecureLinksOptions {
  onRefused?: (peer: string, reason: Refusal) => void;
  /** See AuthOptions.admit: false keeps a bee out (banned) before any handshake. */
  admit?: (peer: string) => boolean;
  onDropped?: GuardOptions['onDropped'];
  now?: () => number;
  random?: RandomSource;
  handshakeTimeoutMs?: number;
  /** See GuardOptions.handsTo: which next hops take a MAC'd envelope straight to its receiver. */
  handsTo?: GuardOptions['handsTo'];
}

export class SecureLinks {
  private readonly links: AuthenticatedTransport;
  private readonly guard: EnvelopeGuard;
  private readonly listeners = new Listeners<SecureLinkEvent>();

  constructor(raw: Transport, secrets: LinkSecrets, options: SecureLinksOptions = {}) {
    const { now, random, onRefused, onDropped, handshakeTimeoutMs, admit, handsTo } = options;
    this.links = new AuthenticatedTransport(raw, {
      secrets,
      ...(admit ? { admit } : {}),
      ...(random ? { random } : {}),
      ...(onRefused ? { onRefused } : {}),
      ...(handshakeTimeoutMs !== undefined ? { timeoutMs: handshakeTimeoutMs } : {}),
    });
    this.guard = new EnvelopeGuard(secrets.identity, secrets.colony, { ...(now ? { now } : {}), ...(onDropped ? { onDropped } : {}), ...(handsTo ? { handsTo } : {}) });
    this.links.subscribe((event) => {
      if (event.type !== 'frame') {
        this.listeners.emit(event);
        return;
      }
      const checked = event.frame.length <= MAX_FRAME_BYTES ? this.guard.check(event.peer, event.frame) : ({ dropped: 'malformed' } as const);
      if ('frame' in checked) this.listeners.emit({ type: 'frame', peer: event.peer, frame: checked.frame });
      else if (checked.dropped === 'malformed') this.listeners.emit({ type: 'malformed', peer: event.peer });
    });
  }

  get kind(): Transport['kind'] {
    return this.links.kind;
  }

  get connectionsCreated(): number {
    return this.links.connectionsCreated;
  }

  get counters(): SecurityCounters {
    return { links: structuredClone(this.links.counters), envelopes: { ...this.guard.counters } };
  }

  /** Sends a protocol frame: own envelopes signed or MAC'd for `peer`, relayed ones with their origin's auth. */
  send(peer: string, frame: Frame): boolean {
    const wire = this.guard.encode(frame, peer);
    return wire !== null && this.links.send(peer, wire);
  }

  /** `frame` as it goes on the wire: envelopes signed; null if it cannot be sent. */
  encode(frame: Frame): string | null {
    return this.guard.encode(frame);
  }

  /** An own envelope signed whatever its size (see EnvelopeGuard.encodeOverLimits): for a rogue. */
  encodeOverLimits(frame: Frame): string | null {
    return this.guard.encodeOverLimits(frame);
  }

  /**
   * Writes `raw` on an authenticated link exactly as given, bypassing signing: for tests that
   * inject forged frames, and for a bee told to go rogue. Honest code never needs it.
   */
  sendRaw(peer: string, raw: string): boolean {
    return this.links.send(peer, raw);
  }

  link(peer: string): void {
    this.links.link(peer);
  }

  unlink(peer: string): void {
    this.links.unlink(peer);
  }

  subscribe(listener: (event: SecureLinkEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  destroy(): void {
    this.listeners.clear();
    this.links.destroy();
  }
}
