// The tab's facade: it wires the one driver (src/driver/) to real links, IndexedDB and time, turns
// timers, transport and signaling events into protocol events, and exposes the bee to tests and
// tools as `window.hive`. Public methods reject with a HiveError and its code (src/errors.ts);
// after `leave()` every method that acts rejects (or throws) ERR_LEFT.

import type { ExportedLog, HiveApi, HiveSnapshot, InboxEntry, Relayed } from './api';
import { bytesToBase64url } from './crypto/encoding';
import type { Identity } from './crypto/identity';
import { loadPassphraseCrypto } from './crypto/passphrase-crypto';
import { colonyNameOnServer } from './crypto/subkey';
import { Driver } from './driver/driver';
import { HiveError, bodyError } from './errors';
import type { Frame } from './hive/frames';
import { onlyGossip } from './hive/events';
import { DEFAULT_CONFIG, Protocol, type HiveEvent, type StandingView, type Upgrade } from './hive/protocol';
import { seededRng } from './hive/rng';
import { Rogue, ROGUE_KINDS, type RogueKind } from './hive/rogue';
import type { Knobs } from './hive/settings';
import { MAX_VERSION } from './hive/upgrades';
import { identityNotary } from './link/notary';
import { misconduct, SecureLinks } from './link/secure-links';
import type { CandidateCounts } from './net/ice-watch';
import { MeshSignaler } from './net/mesh-signaler';
import { loadTransport, type MakeTransport } from './net/load-transport';
import { isBeeId } from './net/signal-protocol';
import { SignalingClient } from './net/signaling-client';
import { Listeners, type TransportKind } from './net/transport';
import type { Claimed, TabIdentity } from './store/identity';
import { Inbox } from './store/inbox';
import { EventLog } from './store/log';
import { Outbox, type OutboxEntry } from './store/outbox';
import type { LogKind } from './store/schema';
import { describeStorageError, type BeeStore, type Loaded } from './store/store';
import { claimBee, randomHex, type TabOptions } from './tab/claim';
import { StallGuard } from './tab/stall';
import { Outgoing } from './tab/outgoing';
import { Classroom, lasting, type ClassroomSettings, type OrderKind } from './tab/classroom';
import { RosterLog } from './tab/roster-log';
import { TabStore } from './tab/tab-store';
import { checkConfig, seedConfig, UPGRADE_COLOURS } from './upgrade';

export type { ExportedLog, HiveApi, HiveSnapshot, InboxEntry, Relayed, VoteState } from './api';
export { ERROR_CODES, HiveError, type ErrorCode } from './errors';
export type { TabOptions } from './tab/claim';

/** What a change notification says: 'gossip' when only heartbeats went by (events.ts `onlyGossip`). */
export type Change = 'news' | 'gossip';

const TICK_MS = 250;
const PROBLEM_LIMIT = 20;
/** Bees known before a reload, offered as link candidates on restart (queen first). */
const ROSTER_HINTS = 6;

export interface BeeOptions {
  colony: string;
  transport: Exclude<TransportKind, 'memory'>;
  /** Signaling servers' page origins (each also hosts PeerJS), tried in turn; at least one. */
  servers: URL[];
  /**
   * ICE servers this page insists on; absent: the server's, from each welcome (its STUN responder,
   * ICE_SERVERS, TURN credentials). Either way, tests and classrooms send nothing off the LAN.
   */
  iceServers?: RTCIceServer[];
  /** The colony key derived from the passphrase, or null in an open colony. */
  colonyKey: Uint8Array | null;
  /** Workers one queen takes (`?capacity=N`); the protocol's default when absent. */
  capacity?: number;
  /** False (`?queens=off`): nobody campaigns, the colony stays in discovery mode. */
  elections?: boolean;
  /**
   * The colony's founder, the only bee whose configs are taken: a bee id the join link pins
   * (`?founder=`), or 'self' (the projector founds its colony). Absent: the first genesis taken.
   */
  founder?: string;
  /** The projector (`?view=hive`): it watches and never votes, reigns or counts in a hive. */
  observer?: boolean;
}

function download(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

const LEFT = 'this bee left the colony: it acts no more';

export class Bee implements HiveApi {
  readonly id: string;
  readonly publicKey: string;
  readonly ready: Promise<void>;
  /** Recent problems worth showing (signaling and storage errors); never thrown at the page. */
  readonly problems: string[] = [];
  private readonly driver: Driver;
  private readonly signaling: SignalingClient;
  private readonly signals: MeshSignaler;
  private readonly links: SecureLinks;
  private readonly kept: TabStore;
  private readonly outgoing: Outgoing;
  private readonly log: EventLog;
  private readonly roster: RosterLog;
  private readonly changes = new Listeners<Change>();
  private readonly relays = new Listeners<Relayed>();
  private readonly messages = new Listeners<InboxEntry>();
  private readonly troubles = new Listeners<string>();
  private readonly candidates: () => CandidateCounts;
  private hints: string[];
  private left = false;
  /** Colony configs refused before the core saw them: unsigned, forged, or not for this colony. */
  private forgedUpgrades = 0;
  private readonly signer: Identity;
  private rogue: Rogue | null = null;
  private readonly classroom: Classroom;
  private displayName: string | null;
  private timer: ReturnType<typeof setInterval>;
  private readonly stalls = new StallGuard();

  /**
   * Finds out which bee this tab is (TabIdentity), loads what that bee stored and starts it.
   * Storage that fails to open leaves a bee that runs in memory, and says so.
   */
  static async start(options: BeeOptions, tab: TabOptions): Promise<Bee> {
    let bee: Bee | undefined;
    const early: Array<[string, unknown]> = [];
    const onError = (what: string, err: unknown) => (bee ? bee.storageError(what, err) : early.push([what, err]));
    // A newer tab upgrading the schema needs this connection closed; a running bee goes on in memory.
    const [{ claimed, identity, store, loaded }, makeTransport] = await Promise.all([
      claimBee(tab, onError, () => (bee ? (bee.detachStorage(), true) : false)),
      loadTransport(options.transport),
      // Handshakes and sealed bodies use it synchronously once the bee runs.
      options.colonyKey && loadPassphraseCrypto(),
    ]);
    bee = new Bee(options, claimed, identity, store, loaded, makeTransport);
    for (const [what, err] of early) bee.storageError(what, err);
    return bee;
  }

  private constructor(
    private readonly options: BeeOptions,
    claimed: Claimed,
    private readonly identity: TabIdentity,
    private readonly store: BeeStore,
    loaded: Loaded,
    makeTransport: MakeTransport,
  ) {
    this.id = claimed.identity.id;
    this.signer = claimed.identity;
    this.log = new EventLog(store, loaded.log);
    this.displayName = loaded.displayName;
    const note = (kind: LogKind, text: string, data?: Record<string, unknown>) => this.note(kind, text, data);
    const vote = loaded.vote && { term: loaded.vote.term, votedFor: loaded.vote.votedFor };
    // The teacher's orders act on the page from outside the step that took them.
    this.classroom = new Classroom(this.id, {
      cut: (peer) => this.links.unlink(peer),
      peers: () => this.driver.protocol.snapshot().neighbours,
      kill: () => queueMicrotask(() => this.leave()),
      goRogue: () => queueMicrotask(() => this.left || this.goRogue()),
    }, () => this.driver.protocol.snapshot().founder);
    const onAdopted = (upgrade: Upgrade) => this.classroom.adopted(upgrade);
    const onDelivered = (message: InboxEntry) => {
      this.messages.emit(message);
      this.changes.emit('news');
    };
    this.kept = new TabStore(store, new Inbox(store, loaded.inbox), vote, { id: this.id, colonyKey: options.colonyKey, note, onDelivered, onAdopted });
    const known = loaded.roster ? [loaded.roster.queen, ...loaded.roster.peers] : [];
    this.hints = [...new Set(known)].filter((bee): bee is string => bee !== null && bee !== this.id).slice(0, ROSTER_HINTS);
    this.roster = new RosterLog(this.id, store, note);
    const kept = loaded.upgrade;
    const upgrades = kept ? (kept.chain ?? [{ version: kept.version, config: kept.config, route: kept.route }]) : [];
    const restored = {
      term: vote?.term ?? 0,
      votedFor: vote?.votedFor ?? null,
      membership: loaded.vote?.membership ?? null,
      seal: loaded.vote?.seal ?? null,
      deliveredIds: this.kept.inbox.deliveredIds(),
      upgrades,
      bans: loaded.bans,
    };
    const seed = crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    const config = {
      ...DEFAULT_CONFIG,
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      ...(options.elections === undefined ? {} : { elections: options.elections }),
      founder: options.founder === 'self' ? this.id : (options.founder ?? null),
      observer: options.observer === true,
    };
    // The ports reach the links and the signaling client, made below, only once the bee runs.
    this.driver = new Driver(new Protocol(this.id, seededRng(seed), identityNotary(claimed.identity), { config, restored }), {
      wire: {
        link: (peer) => this.classroom.allows(peer) && this.links.link(peer),
        unlink: (peer) => this.links.unlink(peer),
        send: (peer, frame) => {
          // The teacher's lossy or slow room (the console).
          if (this.classroom.drops(Math.random())) return;
          if (this.classroom.latencyMs > 0) setTimeout(() => this.left || this.wireSend(peer, frame), this.classroom.latencyMs);
          else this.wireSend(peer, frame);
        },
        sample: () => this.signaling.requestSample(),
        signal: (from, data) => this.signals.deliver(from, data),
      },
      store: this.kept,
      clock: { now: Date.now },
      observe: {
        roleChanged: ({ role, term, queen }) => this.note('role', `${role}${queen && queen !== this.id ? ` of queen ${queen}` : ''} in term ${term}`, { role, term, queen }),
        settled: (effect) => this.outgoing.settled(effect),
        evicted: (ban) => {
          const { by, offence, detail } = ban;
          this.note('security', `evicted by queen ${by} for ${offence}: ${detail}`, { ...ban });
          this.problem(`evicted by queen ${by} for ${offence}: ${detail}`);
          this.outgoing.close('ERR_EVICTED', `this bee was evicted from the colony (${offence}): nobody takes its messages`);
        },
      },
    });
    this.outgoing = new Outgoing(new Outbox(store, loaded.outbox), {
      colonyKey: options.colonyKey,
      step: (event) => this.step(event),
      hasLink: () => this.driver.protocol.linkCount() > 0,
      now: Date.now,
      note,
      changed: () => this.changes.emit('news'),
      newId: () => randomHex(8),
    });
    this.note('start', claimed.restored ? 'restored this bee after a reload' : 'hatched a new bee', {
      ...restored,
      membership: restored.membership && `${restored.membership.members.length} members of hive ${restored.membership.hive}`,
      seal: undefined,
      deliveredIds: restored.deliveredIds.length,
      bans: restored.bans.length,
      upgrades: `${upgrades.length} kept, running version ${upgrades.at(-1)?.version ?? 0}`,
      pending: this.outgoing.outbox.pending().length,
      storage: store.available,
    });
    if (claimed.note) this.note('start', claimed.note);

    // A passphrase colony meets on the server under a name derived from its key: invisible to outsiders.
    this.signaling = new SignalingClient(options.servers, colonyNameOnServer(options.colony, options.colonyKey), claimed.identity);
    this.signals = new MeshSignaler(this.signaling, (to, data) => this.step({ type: 'signal', to, data }));
    const ice = () => (options.iceServers ? { iceServers: options.iceServers } : (this.signaling.ice ?? { iceServers: [] }));
    // A bee with all the links it takes declines an offer before a peer connection is built for it.
    const accepts = (peer: string) => this.classroom.allows(peer) && this.driver.protocol.accepts(peer, Date.now());
    const raw = makeTransport({ self: this.id, ice, problem: (text) => this.problem(text), accepts }, { signaler: this.signals, pass: this.signaling });
    this.links = new SecureLinks(raw, { identity: claimed.identity, colony: options.colony, colonyKey: options.colonyKey }, {
      onRefused: (peer, reason) => this.note('security', `refused a link with ${peer}: ${reason}`, { peer, reason }),
      admit: (peer) => this.classroom.allows(peer) && !this.driver.protocol.refuses(peer, Date.now()),
      handsTo: (via, to) => this.driver.protocol.handsTo(via, to),
      onDropped: (peer, reason, origin) => {
        this.note('security', `dropped a ${reason} envelope from ${origin} (via ${peer})`, { peer, reason, origin });
        this.step(misconduct(peer, reason, origin));
      },
    });
    this.candidates = () => ({ ...(raw.candidates ?? { host: 0, srflx: 0, prflx: 0, relay: 0 }) });
    const running = upgrades.at(-1);
    if (running) this.classroom.adopted(running, true);
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
      else this.changes.emit('news');
    });
    this.links.subscribe((event) => {
      if (event.type === 'open') this.step({ type: 'linkOpen', peer: event.peer });
      else if (event.type === 'closed') this.step({ type: 'linkClosed', peer: event.peer });
      else if (event.type === 'frame' && event.frame.t === 'up' && !checkConfig(options.colony, event.frame.version, event.frame.config)) {
        this.forgedUpgrades++;
        this.note('security', `refused colony config version ${event.frame.version} from ${event.peer}: not signed by the bee it names`, { peer: event.peer });
      } else this.step(event);
    });
    // The projector founding a new colony signs its URL's settings as the colony's first config:
    // from then on the colony's config, not any tab's URL, says what every bee runs by.
    if (options.founder === 'self' && upgrades.length === 0) {
      void this.seedSettings({ ...(options.capacity === undefined ? {} : { capacity: options.capacity }), ...(options.elections === undefined ? {} : { queens: options.elections }) });
    }
    this.timer = setInterval(() => this.onTick(), TICK_MS);
    // A hidden tab has throttled timers and may be closed any moment: a poor queen.
    document.addEventListener('visibilitychange', this.onVisibility);
    this.onVisibility();
  }

  snapshot(): HiveSnapshot {
    const snapshot = this.driver.protocol.snapshot();
    return {
      ...snapshot,
      colony: this.options.colony,
      version: snapshot.upgrade?.version ?? 0,
      transport: this.options.transport,
      forgedUpgrades: this.forgedUpgrades,
      signaling: this.signaling.connected,
      connections: this.links.connectionsCreated,
      candidates: this.candidates(),
      meshSignals: this.signals.relayed,
      vote: this.kept.vote && { ...this.kept.vote },
      outbox: this.outgoing.outbox.pending().length,
      storage: { ...this.store.stats, available: this.store.available },
      sealed: this.options.colonyKey !== null,
      security: { ...this.links.counters, unreadable: this.kept.unreadable },
      displayName: this.displayName,
    };
  }

  /** Names this bee on this device (null: no name); resolves whether IndexedDB kept it. */
  async setDisplayName(name: string | null): Promise<boolean> {
    this.displayName = name;
    this.changes.emit('news');
    return this.store.saveDisplayName(name);
  }

  send(to: string, body: unknown): Promise<void> {
    if (this.left) return Promise.reject(new HiveError('ERR_LEFT', LEFT));
    if (!isBeeId(to)) return Promise.reject(new HiveError('ERR_NOT_A_BEE_ID', `not a bee id: ${String(to)}`));
    const bad = bodyError(body);
    return bad ? Promise.reject(bad) : this.outgoing.post('send', to, body);
  }

  broadcast(body: unknown): Promise<void> {
    if (this.left) return Promise.reject(new HiveError('ERR_LEFT', LEFT));
    const bad = bodyError(body);
    return bad ? Promise.reject(bad) : this.outgoing.post('broadcast', null, body);
  }

  /** Reads keep answering after `leave()`: the page still shows what the bee had. */
  inbox(): InboxEntry[] {
    return this.kept.inbox.list();
  }

  outbox(): OutboxEntry[] {
    return this.outgoing.outbox.list();
  }

  abdicate(): Promise<void> {
    if (this.left) return Promise.reject(new HiveError('ERR_LEFT', LEFT));
    if (this.driver.protocol.snapshot().role !== 'queen') return Promise.reject(new HiveError('ERR_NOT_QUEEN', 'only a queen can abdicate'));
    return this.outgoing.ask((ref) => ({ type: 'abdicate', ref }), 'ERR_NO_SUCCESSOR');
  }

  /** The founder signs the next version; a bee of a colony without one founds it (docs/security.md). */
  seedUpgrade(): Promise<number> {
    return this.seedSettings({});
  }

  /**
   * The founder signs the next version with `knobs` changed (capacity, queen mode) and the rest
   * of the colony's settings kept; every bee runs by it once it arrives (src/hive/settings.ts).
   */
  seedSettings(knobs: Knobs & ClassroomSettings): Promise<number> {
    if (this.left) return Promise.reject(new HiveError('ERR_LEFT', LEFT));
    const { upgrade, founder } = this.driver.protocol.snapshot();
    if (founder !== null && founder !== this.id) {
      return Promise.reject(new HiveError('ERR_NOT_FOUNDER', `only the colony's founder (bee ${founder}) seeds its upgrades`));
    }
    const version = (upgrade?.version ?? 0) + 1;
    if (version > MAX_VERSION) return Promise.reject(new HiveError('ERR_NO_MORE_VERSIONS', `a colony has at most ${MAX_VERSION} config versions: start a new colony`));
    const colour = UPGRADE_COLOURS[version % UPGRADE_COLOURS.length] as string;
    const settings = { ...lasting((upgrade?.config.settings ?? {}) as Record<string, unknown>), ...knobs, colour };
    const changed = Object.entries(knobs).map(([knob, value]) => `${knob} ${typeof value === 'object' ? `${value.kind} ${value.bee}` : String(value)}`).join(', ');
    const config = seedConfig(this.signer, this.options.colony, version, settings, `version ${version}${changed ? `: ${changed}` : ''}, seeded by ${this.id}`);
    this.note('upgrade', `seeded colony config version ${version}${changed ? ` (${changed})` : ''}`, { version, ...knobs });
    this.step({ type: 'seed', version, config: { ...config } });
    return Promise.resolve(version);
  }

  /** The teacher's console: a signed one-time order for one bee (kill it, or make it go rogue). */
  order(kind: OrderKind, bee: string): Promise<number> {
    if (!isBeeId(bee)) return Promise.reject(new HiveError('ERR_NOT_A_BEE_ID', `not a bee id: ${String(bee)}`));
    return this.seedSettings({ order: { kind, bee } });
  }

  /** Whether this bee left the colony (closed, or killed from the teacher's console). */
  get gone(): boolean {
    return this.left;
  }

  exportLog(): ExportedLog {
    const vote = this.kept.vote && { ...this.kept.vote };
    const exported: ExportedLog = { bee: this.id, colony: this.options.colony, exportedAt: Date.now(), vote, entries: this.log.list() };
    download(`hivemesh-${this.id}-log.json`, exported);
    return exported;
  }

  sendRaw(peer: string, frame: string): boolean {
    if (this.left) throw new HiveError('ERR_LEFT', LEFT);
    return this.links.sendRaw(peer, frame);
  }

  goRogue(kinds: readonly RogueKind[] = ROGUE_KINDS): void {
    if (this.left) throw new HiveError('ERR_LEFT', LEFT);
    const unknown = kinds.filter((kind) => !ROGUE_KINDS.includes(kind));
    if (unknown.length > 0) throw new HiveError('ERR_NO_SUCH_MISDEED', `no such misdeed: ${unknown.join(', ')} (try ${ROGUE_KINDS.join(', ')})`);
    const start = () => {
      if (this.left) return;
      this.note('security', `went rogue: ${kinds.join(', ')}`, { kinds: [...kinds] });
      this.rogue = new Rogue(seededRng(crypto.getRandomValues(new Uint32Array(1))[0] ?? 0), kinds);
      this.changes.emit('news');
    };
    if (this.driver.protocol.snapshot().role === 'queen') this.abdicate().then(start, start);
    else start();
  }

  /** Library hook: role, term, queen and a count that moves with the roster, cheap enough to ask after every change. */
  standing(): StandingView {
    return this.driver.protocol.standingView();
  }

  /**
   * UI hook: called after anything that may change the snapshot, inbox or outbox; 'gossip' when
   * only heartbeats went by (the roster or hive map may have moved, nothing else).
   */
  subscribe(listener: (change: Change) => void): () => void {
    return this.changes.add(listener);
  }

  /** UI hook: every data envelope this bee originates or relays, as it goes out on a link. */
  onRelay(listener: (relayed: Relayed) => void): () => void {
    return this.relays.add(listener);
  }

  /** Library hook: every message this bee delivers (and acknowledges), as it is delivered. */
  onMessage(listener: (message: InboxEntry) => void): () => void {
    return this.messages.add(listener);
  }

  /**
   * The tab is going away: a queen crowns a successor, and every bee says goodbye to its
   * neighbours so they need not wait for timeouts. Messages in flight stay in the outbox for the
   * next life of this bee; their promises, and every later call that acts, reject with ERR_LEFT.
   */
  leave(): void {
    if (this.left) return; // "kill this bee" first, then the page hides
    this.left = true;
    this.outgoing.close('ERR_LEFT', LEFT);
    this.driver.leave();
    this.roster.flush(this.driver.protocol.rosterView(), Date.now());
    clearInterval(this.timer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.links.destroy();
    this.signaling.close();
    this.identity.close();
    this.changes.emit('news');
  }

  private onWelcome(peers: string[]): void {
    // Bees known before a reload are likely still here: the old queen and neighbours first.
    this.step({ type: 'welcome', peers: [...new Set([...this.hints, ...peers])] });
    this.hints = [];
  }

  private onTick(): void {
    if (this.stalls.passes(performance.now())) this.step({ type: 'tick' });
    // A split room: the founder's link carries the order to heal (tab/classroom.ts).
    const founder = this.classroom.wanted();
    if (founder !== null) this.step({ type: 'reach', peer: founder });
    this.outgoing.flush();
    if (!this.rogue) return;
    const { term, neighbours, hive, queen } = this.driver.protocol.snapshot();
    this.rogue.play({ id: this.id, hive, term, peers: neighbours, queen }, this.links);
  }

  private wireSend(peer: string, frame: Frame): void {
    // A rogue that rewrites passes on what it relays its own way.
    const rewritten = this.rogue?.rewrite(peer, frame, this.links);
    if (rewritten) this.links.sendRaw(peer, rewritten);
    else this.links.send(peer, frame);
    if (frame.t === 'env' && frame.p.k === 'data') this.relays.emit({ id: frame.id, route: frame.route, next: peer });
  }

  private readonly onVisibility = (): void => this.step({ type: 'visibility', visible: document.visibilityState === 'visible' });

  private step(event: HiveEvent): void {
    const effects = this.driver.step(event);
    if (event.type === 'linkOpen') this.outgoing.flush();
    if (event.type === 'tick') this.roster.watch(this.driver.protocol.rosterView(), Date.now());
    if (event.type !== 'tick' || effects.length > 0) this.changes.emit(onlyGossip(event, effects) ? 'gossip' : 'news');
  }

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

  /**
   * Hears every problem as it is added to `problems` (links that cannot be built or never connect,
   * signaling and storage errors): the library's `problem` event. Returns the unsubscribe function.
   */
  onProblem(listener: (text: string) => void): () => void {
    return this.troubles.add(listener);
  }

  private problem(text: string): void {
    const seen = this.problems.indexOf(text);
    if (seen >= 0) this.problems.splice(seen, 1);
    this.problems.push(text);
    if (this.problems.length > PROBLEM_LIMIT) this.problems.shift();
    this.troubles.emit(text);
    this.changes.emit('news');
  }
}
