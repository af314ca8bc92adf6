// The driver: the one place where the protocol core meets real time, real links, storage and the
// page. It turns timers, transport and signaling events into protocol events, carries out the
// effects the core returns (writes before frames: see EffectQueue), and exposes the bee to tests and tools
// as `window.hive`.

import { bytesToBase64url } from './crypto/encoding';
import { canonicalJson } from './crypto/envelope';
import { createIdentity, type Identity } from './crypto/identity';
import { EffectQueue, type Written } from './driver/effect-queue';
import { Pacer } from './hive/pacer';
import { Rogue, ROGUE_KINDS, type RogueKind } from './hive/rogue';
import { MAX_BODY_BYTES, MAX_BODY_DEPTH } from './hive/frames';
import { DEFAULT_CONFIG, Protocol, type Delivered, type Effect, type HiveEvent, type Persisted, type Snapshot } from './hive/protocol';
import { seededRng } from './hive/rng';
import { PeerJsTransport } from './net/peerjs';
import { isBeeId, jsonDepthWithin } from './net/signal-protocol';
import { MeshSignaler } from './net/mesh-signaler';
import { SignalingClient } from './net/signaling-client';
import { SimplePeerTransport } from './net/simple-peer';
import { Listeners, type TransportKind } from './net/transport';
import { identityNotary } from './link/notary';
import { openBody, sealBody } from './link/sealed-body';
import { SecureLinks, type SecurityCounters } from './link/secure-links';
import { TabIdentity, type Claimed } from './store/identity';
import { checkConfig, seedConfig, UPGRADE_COLOURS } from './upgrade';
import { Inbox } from './store/inbox';
import { EventLog, type LogEntry } from './store/log';
import { Outbox, type OutboxEntry } from './store/outbox';
import { DB_NAME, DB_VERSION, openHiveDb, type HiveDb, type LogKind, type OutboxKind } from './store/schema';
import { BeeStore, describeStorageError, type Loaded, type StoreStats } from './store/store';

const TICK_MS = 250;
const PROBLEM_LIMIT = 20;
/** Bees known before a reload, offered as link candidates on restart (queen first). */
const ROSTER_HINTS = 6;
/** The roster is saved at most this often: it is a hint, not a record. */
const ROSTER_SAVE_MS = 2000;
/** Joins and leaves logged one by one per tick; more become one summary line. */
const ROSTER_CHANGES_LOGGED = 10;
/** Lives of the bee, or link-less spells, a message may use before it fails for good. */
const MAX_SUBMISSIONS = 20;

export interface BeeOptions {
  colony: string;
  transport: Exclude<TransportKind, 'memory'>;
  /** The signaling server's page origin (it also hosts PeerJS). */
  server: URL;
  iceServers: RTCIceServer[];
  /** The colony key derived from the passphrase, or null in an open colony. */
  colonyKey: Uint8Array | null;
  /** Workers one queen takes (`?capacity=N`); the protocol's default when absent. */
  capacity?: number;
  /** False (`?queens=off`): nobody campaigns, the colony stays in discovery mode. */
  elections?: boolean;
}

/** What the page gives the bee to find out which bee it is. */
export interface TabOptions {
  /** sessionStorage, or null where it is disabled. */
  session: Storage | null;
  /** `?reset`: forget the bee this tab ran and hatch a new one. */
  reset: boolean;
  dbName?: string;
}

/** The vote as last written to storage: one per term, and it outlives the page. */
export interface VoteState {
  term: number;
  votedFor: string | null;
}

/** The protocol's view of this bee, plus what only the page knows. */
export interface HiveSnapshot extends Snapshot {
  colony: string;
  /** The colony config version this bee runs (0: none adopted); `upgrade` has its content and route. */
  version: number;
  /** Colony configs refused before adoption: unsigned, forged, or for another colony. */
  forgedUpgrades: number;
  transport: BeeOptions['transport'];
  signaling: boolean;
  /** Peer connections this bee created in its page's lifetime (Chrome allows ~500). */
  connections: number;
  /** Link signals this bee sent through the mesh because the signaling server was out of reach. */
  meshSignals: number;
  vote: VoteState | null;
  /** Messages sent and not yet acknowledged. */
  outbox: number;
  storage: StoreStats & { available: boolean };
  /** Whether the colony has a passphrase (links prove the key; bodies are sealed). */
  sealed: boolean;
  /**
   * Links authenticated and refused; envelopes signed, verified and dropped (and what it cost);
   * delivered messages whose body did not open under the colony key.
   */
  security: SecurityCounters & { unreadable: number };
}

export type InboxEntry = Delivered;

export interface ExportedLog {
  bee: string;
  colony: string;
  exportedAt: number;
  vote: VoteState | null;
  entries: LogEntry[];
}

/** The automation contract (DESIGN.md): what tests and tools may rely on. */
export interface HiveApi {
  ready: Promise<void>;
  id: string;
  /** This bee's Ed25519 public key (base64url); `id` is the hex of the first 16 bytes of its SHA-256. */
  publicKey: string;
  snapshot(): HiveSnapshot;
  send(to: string, body: unknown): Promise<void>;
  broadcast(body: unknown): Promise<void>;
  /** Delivered messages, newest last; they survive reloads. */
  inbox(): InboxEntry[];
  /** Sent messages not yet acknowledged, and those that failed, oldest first. */
  outbox(): OutboxEntry[];
  /** A queen hands her throne to her best worker; resolves once a successor reigns. */
  abdicate(): Promise<void>;
  /** Downloads this bee's event log as JSON, and returns it. */
  exportLog(): ExportedLog;
  /**
   * Writes `frame` as is on the authenticated link to `peer`, unsigned and unchecked: for tests
   * that inject forged frames and for the goRogue demo. False when there is no such link.
   */
  sendRaw(peer: string, frame: string): boolean;
  /** Publishes the next colony config version, signed by this bee; resolves its version. */
  seedUpgrade(): Promise<number>;
  /**
   * This bee turns rogue (for the classroom to watch the queen catch it): it floods, writes
   * malformed frames, replays and forges envelopes and claims a throne, or only the misdeeds
   * named. A queen abdicates first, so that an honest queen is there to catch her.
   */
  goRogue(kinds?: readonly RogueKind[]): void;
}

type Settled = Extract<Effect, { type: 'settled' }>;

/** A message this bee sends on towards `next`: its route so far ends with this bee. */
export interface Relayed {
  id: string;
  route: string[];
  next: string;
}

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/** A rejected promise for a body that cannot travel (receivers would drop it), or undefined when it can. */
function checkBody(body: unknown): Promise<never> | undefined {
  if (!jsonDepthWithin(body, MAX_BODY_DEPTH)) return Promise.reject(new Error(`message body must nest at most ${MAX_BODY_DEPTH} levels deep`));
  const size = JSON.stringify(body ?? null).length;
  if (body === undefined || size > MAX_BODY_BYTES) {
    return Promise.reject(new Error(`message body must be JSON of at most ${MAX_BODY_BYTES} bytes (got ${size})`));
  }
  try {
    // What is signed must survive the trip: JSON would turn NaN into null, and the signature break.
    canonicalJson(body);
    return undefined;
  } catch (err) {
    return Promise.reject(new Error(`message body cannot be signed: ${(err as Error).message}`));
  }
}

function download(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export class Bee implements HiveApi {
  readonly id: string;
  readonly publicKey: string;
  readonly ready: Promise<void>;
  /** Recent problems worth showing (signaling and storage errors); never thrown at the page. */
  readonly problems: string[] = [];
  private readonly protocol: Protocol;
  private readonly signaling: SignalingClient;
  private readonly signals: MeshSignaler;
  private readonly links: SecureLinks;
  private readonly effects = new EffectQueue<Effect>(
    (effect) => this.apply(effect),
    (effect) => (effect.type === 'send' ? 'frame' : effect.type === 'unlink' ? 'ordered' : 'local'),
  );
  private readonly received: Inbox;
  private readonly sent: Outbox;
  private readonly log: EventLog;
  /** What each `ref` the protocol will settle is for. */
  private readonly requests = new Map<number, (settled: Settled) => void>();
  /** Message ids handed to the protocol in this life, so none is handed over twice at once. */
  private readonly inFlight = new Set<string>();
  /** The page's promises for messages, by message id. */
  private readonly promised = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private readonly changes = new Listeners<void>();
  private readonly relays = new Listeners<Relayed>();
  private vote: VoteState | null;
  private hints: string[];
  private knownRoster = new Set<string>();
  private rosterKey = '';
  private rosterSavedAt = -Infinity;
  private rosterDirty = false;
  private leaving = false;
  private unreadable = 0;
  /** Colony configs refused before the core saw them: unsigned, forged, or not for this colony. */
  private forgedUpgrades = 0;
  private readonly signer: Identity;
  /** Keeps this bee's own messages far below what a queen takes for a flood. */
  private readonly pacer = new Pacer();
  private rogue: Rogue | null = null;
  private evicted = false;
  private nextRef = 1;
  private timer: ReturnType<typeof setInterval>;

  /**
   * Finds out which bee this tab is (TabIdentity), loads what that bee stored and starts it.
   * Storage that fails to open leaves a bee that runs in memory, and says so.
   */
  static async start(options: BeeOptions, tab: TabOptions): Promise<Bee> {
    let bee: Bee | undefined;
    const early: Array<[string, unknown]> = [];
    const onError = (what: string, err: unknown) => (bee ? bee.storageError(what, err) : early.push([what, err]));
    let db: HiveDb | null = null;
    try {
      // A newer tab upgrading the schema needs this connection closed; this bee goes on in memory.
      db = await openHiveDb(tab.dbName ?? DB_NAME, DB_VERSION, () => (bee ? bee.detachStorage() : db?.close()));
    } catch (err) {
      onError('open', err);
    }
    const identity = new TabIdentity(() => randomHex(8));
    let claimed: Claimed;
    try {
      claimed = await identity.claim({
        db,
        session: tab.session,
        hatch: createIdentity,
        now: Date.now(),
        ...(tab.reset ? { reset: (old: string) => new BeeStore(db, old, onError).forget() } : {}),
      });
    } catch (err) {
      onError('identity', err);
      claimed = { identity: createIdentity(), restored: false, note: 'identity storage failed: hatched a bee that lasts this page load' };
    }
    const store = new BeeStore(db, claimed.identity.id, onError);
    bee = new Bee(options, claimed, identity, store, await store.load());
    for (const [what, err] of early) bee.storageError(what, err);
    return bee;
  }

  private constructor(
    private readonly options: BeeOptions,
    claimed: Claimed,
    private readonly identity: TabIdentity,
    private readonly store: BeeStore,
    loaded: Loaded,
  ) {
    this.id = claimed.identity.id;
    this.signer = claimed.identity;
    this.received = new Inbox(store, loaded.inbox);
    this.sent = new Outbox(store, loaded.outbox);
    this.log = new EventLog(store, loaded.log);
    this.vote = loaded.vote && { term: loaded.vote.term, votedFor: loaded.vote.votedFor };
    const known = loaded.roster ? [loaded.roster.queen, ...loaded.roster.peers] : [];
    this.hints = [...new Set(known)].filter((bee): bee is string => bee !== null && bee !== this.id).slice(0, ROSTER_HINTS);
    const upgrade = loaded.upgrade && { version: loaded.upgrade.version, config: loaded.upgrade.config, route: loaded.upgrade.route };
    const restored = {
      term: this.vote?.term ?? 0,
      votedFor: this.vote?.votedFor ?? null,
      membership: loaded.vote?.membership ?? null,
      seal: loaded.vote?.seal ?? null,
      deliveredIds: this.received.deliveredIds(),
      upgrade,
      bans: loaded.bans,
    };
    const seed = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    const config = {
      ...DEFAULT_CONFIG,
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      ...(options.elections === undefined ? {} : { elections: options.elections }),
    };
    this.protocol = new Protocol(this.id, seededRng(seed), identityNotary(claimed.identity), { config, restored });
    this.note('start', claimed.restored ? 'restored this bee after a reload' : 'hatched a new bee', {
      ...restored,
      membership: restored.membership && `${restored.membership.members.length} members of hive ${restored.membership.hive}`,
      seal: undefined,
      deliveredIds: restored.deliveredIds.length,
      bans: restored.bans.length,
      pending: this.sent.pending().length,
      storage: store.available,
    });
    if (claimed.note) this.note('start', claimed.note);

    this.signaling = new SignalingClient(SignalingClient.urlFor(options.server), options.colony, this.id);
    this.signals = new MeshSignaler(this.signaling, (to, data) => this.step({ type: 'signal', to, data }));
    const raw =
      options.transport === 'peerjs'
        ? new PeerJsTransport({ self: this.id, iceServers: options.iceServers }, options.server)
        : new SimplePeerTransport({ self: this.id, iceServers: options.iceServers }, this.signals);
    this.links = new SecureLinks(raw, { identity: claimed.identity, colony: options.colony, colonyKey: options.colonyKey }, {
      onRefused: (peer, reason) => this.note('security', `refused a link with ${peer}: ${reason}`, { peer, reason }),
      admit: (peer) => !this.protocol.refuses(peer, Date.now()),
      onDropped: (peer, reason, origin) => {
        this.note('security', `dropped a ${reason} envelope from ${origin ?? 'an unknown bee'} (via ${peer})`, { peer, reason, origin });
        this.step({ type: 'misconduct', peer, offence: reason });
      },
    });
    // A rogue replays and forges what it heard, signatures and all: it keeps the wire form.
    raw.subscribe((event) => event.type === 'frame' && this.rogue?.capture(event.frame));
    this.publicKey = bytesToBase64url(claimed.identity.publicKey);

    this.ready = new Promise((resolve) => {
      const stop = this.signaling.subscribe((event) => {
        if (event.type === 'welcome') {
          stop();
          resolve();
        }
      });
    });
    this.signaling.subscribe((event) => {
      if (event.type === 'welcome') this.onWelcome(event.peers);
      else if (event.type === 'left') this.step({ type: 'beeLeft', bee: event.bee });
      else if (event.type === 'error') this.problem(`signaling: ${event.code} ${event.message}`);
      else this.changes.emit();
    });
    this.links.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else if (event.type === 'frame' && event.frame.t === 'up' && !checkConfig(options.colony, event.frame.version, event.frame.config)) {
        this.forgedUpgrades++;
        this.note('security', `refused colony config version ${event.frame.version} from ${event.peer}: not signed by the bee it names`, { peer: event.peer });
      } else this.step(event);
    });
    this.timer = setInterval(() => this.onTick(), TICK_MS);
    // A hidden tab has throttled timers and may be closed any moment: a poor queen.
    const visibility = () => this.step({ type: 'visibility', visible: document.visibilityState === 'visible' });
    document.addEventListener('visibilitychange', visibility);
    visibility();
  }

  snapshot(): HiveSnapshot {
    return {
      ...this.protocol.snapshot(),
      colony: this.options.colony,
      version: this.protocol.snapshot().upgrade?.version ?? 0,
      transport: this.options.transport,
      forgedUpgrades: this.forgedUpgrades,
      signaling: this.signaling.connected,
      connections: this.links.connectionsCreated,
      meshSignals: this.signals.relayed,
      vote: this.vote && { ...this.vote },
      outbox: this.sent.pending().length,
      storage: { ...this.store.stats, available: this.store.available },
      sealed: this.options.colonyKey !== null,
      security: { ...this.links.counters, unreadable: this.unreadable },
    };
  }

  send(to: string, body: unknown): Promise<void> {
    if (!isBeeId(to)) return Promise.reject(new Error(`not a bee id: ${String(to)}`));
    return checkBody(body) ?? this.post('send', to, body);
  }

  broadcast(body: unknown): Promise<void> {
    return checkBody(body) ?? this.post('broadcast', null, body);
  }

  inbox(): InboxEntry[] {
    return this.received.list();
  }

  outbox(): OutboxEntry[] {
    return this.sent.list();
  }

  abdicate(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ref = this.nextRef++;
      this.requests.set(ref, (settled) => (settled.ok ? resolve() : reject(new Error(settled.reason))));
      this.step({ type: 'abdicate', ref });
    });
  }

  seedUpgrade(): Promise<number> {
    const version = (this.protocol.snapshot().upgrade?.version ?? 0) + 1;
    const colour = UPGRADE_COLOURS[version % UPGRADE_COLOURS.length] as string;
    const config = seedConfig(this.signer, this.options.colony, version, colour, `version ${version}, seeded by ${this.id}`);
    this.note('upgrade', `seeded colony config version ${version}`, { version });
    this.step({ type: 'seed', version, config: { ...config } });
    return Promise.resolve(version);
  }

  exportLog(): ExportedLog {
    const exported: ExportedLog = { bee: this.id, colony: this.options.colony, exportedAt: Date.now(), vote: this.vote && { ...this.vote }, entries: this.log.list() };
    download(`hivemesh-${this.id}-log.json`, exported);
    return exported;
  }

  sendRaw(peer: string, frame: string): boolean {
    return this.links.sendRaw(peer, frame);
  }

  goRogue(kinds: readonly RogueKind[] = ROGUE_KINDS): void {
    const unknown = kinds.filter((kind) => !ROGUE_KINDS.includes(kind));
    if (unknown.length > 0) throw new Error(`no such misdeed: ${unknown.join(', ')} (try ${ROGUE_KINDS.join(', ')})`);
    const start = () => {
      this.note('security', `went rogue: ${kinds.join(', ')}`, { kinds: [...kinds] });
      this.rogue = new Rogue(seededRng(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0), kinds);
      this.changes.emit();
    };
    if (this.protocol.snapshot().role === 'queen') this.abdicate().then(start, start);
    else start();
  }

  /** UI hook: called after anything that may change the snapshot, inbox or outbox. */
  subscribe(listener: () => void): () => void {
    return this.changes.add(listener);
  }

  /** UI hook: every data envelope this bee originates or relays, as it goes out on a link. */
  onRelay(listener: (relayed: Relayed) => void): () => void {
    return this.relays.add(listener);
  }

  /**
   * The tab is going away: a queen crowns a successor, and every bee says goodbye to its
   * neighbours so they need not wait for timeouts. Messages in flight stay in the outbox for the
   * next life of this bee.
   */
  leave(): void {
    if (this.leaving) return; // "kill this bee" first, then the page hides
    this.leaving = true;
    this.effects.clear();
    for (const effect of this.protocol.step({ type: 'leave' }, Date.now())) void this.apply(effect);
    if (this.rosterDirty) this.saveRoster(Date.now());
    clearInterval(this.timer);
    this.links.destroy();
    this.signaling.close();
    this.identity.close();
  }

  // ---- messages ---------------------------------------------------------------------------

  /** Writes the message to the outbox first, then hands it to the protocol once there is a link. */
  private async post(kind: OutboxKind, to: string | null, body: unknown): Promise<void> {
    if (this.evicted) throw new Error('this bee was evicted from the colony: nobody takes its messages');
    // The waiter comes first: while the entry is being stored a tick may already hand it to the
    // protocol, and its acknowledgement may come before the store does (the relay benchmark hung so).
    const id = randomHex(8);
    const settled = new Promise<void>((resolve, reject) => this.promised.set(id, { resolve, reject }));
    const entry = await this.sent.add(id, kind, to, body, Date.now());
    if (typeof entry === 'string') {
      this.promised.delete(id);
      throw new Error(entry);
    }
    this.changes.emit();
    if (this.hasLink()) this.flushOutbox();
    else this.note('queued', `no link: ${entry.kind} ${entry.id} waits in the outbox`, { msg: entry.id, to });
    return settled;
  }

  /** Hand messages that are waiting (after a reload, for a link, or for the pacer) to the protocol. */
  private flushOutbox(): void {
    if (!this.hasLink()) return;
    for (const entry of this.sent.pending()) {
      if (this.inFlight.has(entry.id)) continue;
      if (!this.pacer.take(Date.now(), this.inFlight.size)) return;
      this.submit(entry);
    }
  }

  private submit(entry: OutboxEntry): void {
    const ref = this.nextRef++;
    this.inFlight.add(entry.id);
    this.sent.submitted(entry);
    this.requests.set(ref, (settled) => this.onSettled(entry, settled));
    const { id: msg } = entry;
    // Sealed as it enters the protocol: the outbox keeps the plain body, and each life seals anew.
    const body = this.options.colonyKey ? sealBody(this.options.colonyKey, entry.body) : entry.body;
    this.step(entry.to === null ? { type: 'broadcast', ref, body, msg } : { type: 'send', ref, to: entry.to, body, msg });
  }

  private onSettled(entry: OutboxEntry, settled: Settled): void {
    this.inFlight.delete(entry.id);
    if (this.leaving) return; // stays pending for the next life of this bee
    const waiter = this.promised.get(entry.id);
    if (settled.ok) {
      this.sent.delivered(entry.id);
      this.note('sent', `${entry.kind} ${entry.id} ${entry.to === null ? 'handed to the colony' : `acknowledged by ${entry.to}`}`, { msg: entry.id });
      waiter?.resolve();
    } else if (!this.hasLink() && entry.attempts < MAX_SUBMISSIONS) {
      // It never had a way out: it waits for the next link rather than failing.
      this.note('queued', `${entry.kind} ${entry.id} found no link: waits in the outbox`, { msg: entry.id });
      return;
    } else {
      this.sent.failed(entry.id, settled.reason);
      this.note('failed', `${entry.kind} ${entry.id} not delivered: ${settled.reason}`, { msg: entry.id, to: entry.to });
      waiter?.reject(new Error(settled.reason));
    }
    this.promised.delete(entry.id);
  }

  private hasLink(): boolean {
    return this.protocol.snapshot().neighbours.length > 0;
  }

  // ---- protocol ---------------------------------------------------------------------------

  private onWelcome(peers: string[]): void {
    // Bees known before a reload are likely still here: the old queen and neighbours first.
    this.step({ type: 'welcome', peers: [...new Set([...this.hints, ...peers])] });
    this.hints = [];
  }

  private onTick(): void {
    this.step({ type: 'tick' });
    this.flushOutbox();
    if (!this.rogue) return;
    const { term, neighbours, hive } = this.protocol.snapshot();
    this.rogue.play({ id: this.id, hive, term, peers: neighbours }, this.links);
  }

  private step(event: HiveEvent): void {
    const now = Date.now();
    const effects = this.protocol.step(event, now);
    this.effects.push(effects);
    if (event.type === 'linkOpen') this.flushOutbox();
    if (event.type === 'tick') this.watchRoster(now);
    if (event.type !== 'tick' || effects.length > 0) this.changes.emit();
  }

  /** Carries out one effect; a promise (a write) holds back the frames after it until it settles. */
  private apply(effect: Effect): Written | undefined {
    switch (effect.type) {
      case 'link':
        this.links.link(effect.peer);
        return undefined;
      case 'unlink':
        this.links.unlink(effect.peer);
        return undefined;
      case 'sample':
        this.signaling.requestSample();
        return undefined;
      case 'adopt':
        this.note('upgrade', `adopted colony config version ${effect.upgrade.version} via ${effect.upgrade.route.join(' → ')}`, { ...effect.upgrade });
        return this.store.saveUpgrade(effect.upgrade.version, effect.upgrade.config, effect.upgrade.route);
      case 'signal':
        this.signals.deliver(effect.from, effect.data);
        return undefined;
      case 'persist':
        return this.persist(effect);
      case 'send': {
        const frame = effect.frame;
        this.links.send(effect.peer, frame);
        if (frame.t === 'env' && frame.p.k === 'data') this.relays.emit({ id: frame.id, route: frame.route, next: effect.peer });
        return undefined;
      }
      case 'deliver': {
        const message = this.readable(effect.message);
        if (!message) return undefined;
        const stored = this.received.add(message);
        this.changes.emit();
        return stored;
      }
      case 'roleChanged':
        this.note('role', `${effect.role}${effect.queen && effect.queen !== this.id ? ` of queen ${effect.queen}` : ''} in term ${effect.term}`, {
          role: effect.role,
          term: effect.term,
          queen: effect.queen,
        });
        return undefined;
      case 'settled': {
        const handler = this.requests.get(effect.ref);
        this.requests.delete(effect.ref);
        handler?.(effect);
        return undefined;
      }
      case 'banned': {
        const { bee, by, offence, detail } = effect.ban;
        this.note('security', `banned bee ${bee} for ${offence} (${detail}), on the word of queen ${by === this.id ? 'this bee' : by}`, { ...effect.ban });
        void this.store.saveBan(effect.ban);
        return undefined;
      }
      case 'evicted': {
        const { by, offence, detail } = effect.ban;
        this.evicted = true;
        this.note('security', `evicted by queen ${by} for ${offence}: ${detail}`, { ...effect.ban });
        this.problem(`evicted by queen ${by} for ${offence}: ${detail}`);
        for (const waiter of this.promised.values()) waiter.reject(new Error(`this bee was evicted from the colony (${offence})`));
        this.promised.clear();
        return undefined;
      }
    }
  }

  /** The message with its body opened, in a passphrase colony; null (counted) if it does not open. */
  private readable(message: Delivered): Delivered | null {
    if (!this.options.colonyKey) return message;
    const opened = openBody(this.options.colonyKey, message.body);
    if (opened) return { ...message, body: opened.body };
    this.unreadable++;
    this.note('security', `dropped message ${message.id} from ${message.from}: its body is not sealed under this colony's key`, { msg: message.id, from: message.from });
    return null;
  }

  /**
   * The vote and membership reach storage before the frames after them leave, and a write that
   * failed holds those frames back for good (see EffectQueue): a vote not on disk is not cast.
   */
  private persist(standing: Persisted): Promise<boolean> | undefined {
    const { term, votedFor, membership } = standing;
    if (this.vote === null || this.vote.term !== term || this.vote.votedFor !== votedFor) {
      this.note('vote', votedFor === null ? `term ${term} began` : `voted for ${votedFor === this.id ? 'itself' : votedFor} in term ${term}`, { term, votedFor });
    } else if (membership) {
      const { hive, members } = membership;
      this.note('hive', `stored hive ${hive}: ${members.length} members (version ${membership.term}.${membership.epoch})`, { hive, term: membership.term, epoch: membership.epoch, members });
    } else this.note('hive', 'left its hive');
    this.vote = { term, votedFor };
    return this.store.available ? this.store.saveVote(standing) : undefined;
  }

  // ---- roster -----------------------------------------------------------------------------

  /** Logs joins and leaves, and keeps the stored roster (restart hints) roughly current. */
  private watchRoster(now: number): void {
    const { roster, queen } = this.protocol.snapshot();
    const key = `${queen}|${roster.join(',')}`;
    if (key !== this.rosterKey) {
      this.rosterKey = key;
      const current = new Set(roster.filter((bee) => bee !== this.id));
      const joined = [...current].filter((bee) => !this.knownRoster.has(bee));
      const left = [...this.knownRoster].filter((bee) => !current.has(bee));
      this.knownRoster = current;
      this.rosterDirty = true;
      for (const [kind, bees] of [['join', joined], ['leave', left]] as const) {
        if (bees.length > ROSTER_CHANGES_LOGGED) this.note(kind, `${bees.length} bees ${kind === 'join' ? 'joined' : 'left'}`, { bees });
        else for (const bee of bees) this.note(kind, `bee ${bee} ${kind === 'join' ? 'joined' : 'left'}`, { bee });
      }
    }
    if (this.rosterDirty && now - this.rosterSavedAt >= ROSTER_SAVE_MS) this.saveRoster(now);
  }

  private saveRoster(now: number): void {
    const { roster, queen } = this.protocol.snapshot();
    this.rosterDirty = false;
    this.rosterSavedAt = now;
    void this.store.saveRoster(queen, roster.filter((bee) => bee !== this.id), now);
  }

  // ---- problems ---------------------------------------------------------------------------

  private note(kind: LogKind, text: string, data?: Record<string, unknown>): void {
    this.log.append(Date.now(), kind, text, data);
  }

  private storageError(what: string, err: unknown): void {
    const text = describeStorageError(what, err);
    this.problem(text);
    // An error writing the log itself is kept in memory only, or it would loop.
    this.log.append(Date.now(), 'storage', text, undefined, what !== 'log');
  }

  private detachStorage(): void {
    this.store.detach();
    this.problem('storage: a newer version of Hivemesh opened in another tab; this bee keeps running in memory');
  }

  private problem(text: string): void {
    const seen = this.problems.indexOf(text);
    if (seen >= 0) this.problems.splice(seen, 1);
    this.problems.push(text);
    if (this.problems.length > PROBLEM_LIMIT) this.problems.shift();
    this.changes.emit();
  }
}
