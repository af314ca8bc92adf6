// What a compromised worker does (window.hive.goRogue(), for the classroom to watch the queen
// catch it). Each tick it picks from its misdeeds: floods signed envelopes far past any honest
// pace, writes malformed frames, replays floods it heard (with fresh envelope ids, same
// signatures), forges messages in other bees' names and claims a throne with ballots it forged. No I/O
// of its own: the driver hands it its links (to sign its frames and write bytes unchecked) and
// what arrived on them. A quiet hive floods little, so a rogue that replays or forges floods bait
// of its own (a straw poll, which binds nobody and reaches every bee) and keeps it as signed.

import type { Envelope, Frame, Payload } from './frames';
import { founding } from './membership';
import type { Rng } from './rng';

export const ROGUE_KINDS = ['flood', 'malformed', 'replay', 'forge', 'usurp'] as const;
export type RogueKind = (typeof ROGUE_KINDS)[number];

/** Body of every message a rogue forges or floods: tests look for it in honest inboxes. */
export const ROGUE_MARK = '🐝💀 rogue';

/** Per tick (250 ms): floods over any limit, a little of everything else on every link. */
const FLOOD_PER_TICK = 60;
const MALFORMED_PER_LINK = 4;
const REPLAYS_PER_LINK = 2;
const FORGERIES_PER_LINK = 2;
/** Wire envelopes kept for replays and forgeries. */
const CAPTURED = 64;

/** What the rogue knows of itself when it acts. */
export interface RogueView {
  id: string;
  /** The hive it belongs to, if any: the one it claims. */
  hive: string | null;
  term: number;
  peers: readonly string[];
}

/** A frame for the driver to sign and send (its own envelopes), or bytes to write as they are. */
type RogueAct = { peer: string; frame: Frame } | { peer: string; raw: string };

/** The driver's links as a rogue uses them: signing its own frames, and writing bytes unchecked. */
export interface RogueWire {
  encode(frame: Frame): string | null;
  sendRaw(peer: string, raw: string): boolean;
}

const JUNK = ['{', 'null', '[]', '{"t":"env"}', '{"t":"hb","digest":"lots"}', '\u0000\u0001', '{"t":"env","p":{"k":"vote","term":-1}}'];

export class Rogue {
  private readonly captured: Array<Record<string, unknown>> = [];

  constructor(
    private readonly rng: Rng,
    readonly kinds: readonly RogueKind[] = ROGUE_KINDS,
  ) {}

  /**
   * A frame that arrived on a link, or one of its own as signed: floods (to everyone) are kept
   * for replaying and forging.
   */
  capture(raw: string): void {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return;
    }
    const env = value as Partial<Envelope> & { auth?: unknown };
    // Only floods every bee has seen: an honest relay never passes their replays on.
    if (env?.t !== 'env' || env.to !== null || typeof env.auth !== 'object') return;
    this.captured.push(value as Record<string, unknown>);
    if (this.captured.length > CAPTURED) this.captured.shift();
  }

  /** One tick of misdeeds on `wire`; its own floods, as signed, become material to replay and forge. */
  play(view: RogueView, wire: RogueWire): void {
    for (const act of this.acts(view)) {
      const raw = 'frame' in act ? wire.encode(act.frame) : act.raw;
      if (raw === null) continue;
      if ('frame' in act) this.capture(raw);
      wire.sendRaw(act.peer, raw);
    }
  }

  /**
   * A throne it was never given: its neighbours' hive, with ballots in their names that it could
   * not have signed (their keys, garbage signatures).
   */
  private usurpation(view: RogueView): Payload {
    const membership = founding(view.hive ?? this.rng.hex(8), [view.id, ...view.peers]);
    const ballots = membership.members.map((bee) => ({ bee, pub: this.rng.hex(32), sig: this.rng.hex(64) }));
    return { k: 'queen', term: view.term + 1, membership, authority: { by: 'votes', ballots } };
  }

  private acts(view: RogueView): RogueAct[] {
    const acts: RogueAct[] = [];
    if (view.peers.length === 0) return acts;
    const has = (kind: RogueKind) => this.kinds.includes(kind);
    if (has('replay') || has('forge')) {
      const bait = { k: 'elect' as const, term: view.term + 1, pre: true, membership: founding(this.rng.hex(8), [view.id, ...view.peers]), seal: null, crown: null };
      acts.push({ peer: view.peers[0]!, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: null, ttl: 8, route: [view.id], p: bait } });
    }
    if (has('flood')) {
      for (let i = 0; i < FLOOD_PER_TICK; i++) {
        // Addressed to bees that do not exist, so honest relays flood them on and nobody delivers them.
        const p = { k: 'data' as const, msg: this.rng.hex(8), body: ROGUE_MARK };
        acts.push({ peer: view.peers[i % view.peers.length]!, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: this.rng.hex(16), ttl: 8, route: [view.id], p } });
      }
    }
    for (const peer of view.peers) {
      if (has('malformed')) for (let i = 0; i < MALFORMED_PER_LINK; i++) acts.push({ peer, raw: this.rng.pick(JUNK)! });
      if (has('usurp')) acts.push({ peer, frame: { t: 'env', id: this.rng.hex(8), from: view.id, to: null, ttl: 8, route: [view.id], p: this.usurpation(view) } });
      if (this.captured.length === 0) continue;
      if (has('replay')) {
        for (let i = 0; i < REPLAYS_PER_LINK; i++) acts.push({ peer, raw: JSON.stringify({ ...this.rng.pick(this.captured)!, id: this.rng.hex(8), route: [view.id] }) });
      }
      if (has('forge')) {
        // A message of ours in another bee's name (never the recipient's own: that would pass for
        // an echo), under a key and signature lifted from a flood, with a sequence number never
        // used (a used one is taken for a replay before any signature is checked).
        const names = view.peers.filter((bee) => bee !== peer);
        for (let i = 0; i < FORGERIES_PER_LINK; i++) {
          const lifted = this.rng.pick(this.captured)!;
          const auth = lifted.auth as { seq: number };
          const p = { k: 'data', msg: this.rng.hex(8), body: ROGUE_MARK };
          const from = this.rng.pick(names) ?? this.rng.hex(16);
          acts.push({ peer, raw: JSON.stringify({ ...lifted, id: this.rng.hex(8), from, route: [view.id], p, auth: { ...auth, seq: auth.seq + 1 + this.rng.int(1e6) } }) });
        }
      }
    }
    return acts;
  }
}
