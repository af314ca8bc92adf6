// Reactive view of one bee for the components: refreshed at most ten times a second from
// the driver's change notifications, so a busy colony does not re-render per frame received, and
// about once a second while only heartbeats go by (an idle bee hears several a second).
// Each part is handed on only when it changed (steady.ts): at idle a heartbeat moves the footer's
// tallies and nothing else, and those at most once a second, and only while they are unfolded.
// It also watches the colony over time (ColonyFeed): the map, messages to animate, a timeline.

import type { Bee, Change, InboxEntry, Relayed } from '../bee';
import type { OutboxEntry } from '../store/outbox';
import { ColonyFeed, type TimelineEntry } from './feed';
import { graphFromSnapshot } from './map/from-snapshot';
import { EMPTY_GRAPH, type Flight, type MapGraph } from './map/graph';
import { Paced, splitSnapshot, Steady, type Shown, type Tallies } from './steady';

/**
 * How long a change waits to be shown, so that the changes of that while are shown at once. A
 * timer, not an animation frame: asking for a frame makes the browser run one (style, compositing,
 * a commit) even when the refresh then changes nothing, and an idle bee changes something several
 * times a second (every heartbeat it hears).
 */
const REFRESH_MS = 100;

/**
 * How long a change waits when only heartbeats went by and this bee's standing and roster did not
 * move: hive gossip for the map, nothing urgent. An idle bee hears several beats a second.
 */
const GOSSIP_REFRESH_MS = 1000;

/** The footer's counters change at most this often on screen. */
const TALLIES_INTERVAL_MS = 1000;

/** An outbox entry's body never changes, so what it shows changes only with these (bodies may be KiBs of JSON). */
const outboxKey = (entries: OutboxEntry[]) => entries.map(({ id, status, attempts, reason }) => `${id} ${status} ${attempts} ${reason ?? ''}`).join('\n');

export class BeeView {
  snapshot: Shown = $state.raw() as Shown;
  /** The counters of the snapshot, apart: they move on every heartbeat. */
  tallies: Tallies = $state.raw() as Tallies;
  inbox: InboxEntry[] = $state.raw([]);
  outbox: OutboxEntry[] = $state.raw([]);
  problems: string[] = $state.raw([]);
  graph: MapGraph = $state.raw(EMPTY_GRAPH);
  flights: Flight[] = $state.raw([]);
  timeline: TimelineEntry[] = $state.raw([]);
  /** Messages seen moving here per second (arriving and relayed), over the last seconds. */
  messageRate = $state(0);
  /** Set once this bee has left the colony on purpose ("kill this bee"). */
  left = $state(false);
  readonly feed = new ColonyFeed();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshDueMs = Infinity;
  /** Role, term, queen, hive and roster revision at the last change heard: moving, they are news. */
  private standingKey = '';
  private talliesShown = false;
  private talliesLater: ReturnType<typeof setTimeout> | null = null;
  private seenInbox = new Set<string>();
  private steady: { shown: Steady<Shown>; tallies: Paced<Tallies>; outbox: Steady<OutboxEntry[]>; problems: Steady<string[]> } | null = null;

  constructor(readonly bee: Bee) {
    // Messages delivered before this page load are history, not flights.
    for (const entry of bee.inbox()) this.seenInbox.add(entry.id);
    this.refresh();
    bee.subscribe((change) => this.changed(change));
    bee.onRelay((relayed) => this.relayed(relayed));
  }

  leave(): void {
    this.bee.leave();
    this.left = true;
  }

  /** A line on the timeline for something done here (a setting changed from the projector). */
  note(text: string): void {
    this.feed.note(Date.now(), text);
    this.timeline = this.feed.timeline;
  }

  private changed(change: Change): void {
    const { role, term, queen, hive, reign, rosterRevision } = this.bee.standing();
    const key = `${role} ${term} ${queen} ${hive} ${reign} ${rosterRevision}`;
    const moved = key !== this.standingKey;
    this.standingKey = key;
    this.schedule(change === 'news' || moved ? REFRESH_MS : GOSSIP_REFRESH_MS);
  }

  /** Refreshes within `delayMs`: sooner than one already due replaces it, later leaves it. */
  private schedule(delayMs = REFRESH_MS): void {
    const dueMs = performance.now() + delayMs;
    if (dueMs >= this.refreshDueMs) return;
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshDueMs = dueMs;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshDueMs = Infinity;
      this.refresh();
    }, delayMs);
  }

  /** The footer's counters are on screen (or folded away: then they are not kept up to date, nor their timer run). */
  showTallies(shown: boolean): void {
    if (shown === this.talliesShown) return;
    this.talliesShown = shown;
    if (shown) this.schedule();
  }

  private pace(pacer: Paced<Tallies>, tallies: Tallies): void {
    const paced = pacer.next(tallies, performance.now());
    this.tallies = paced.value;
    if (paced.wait !== null && this.talliesLater === null) {
      this.talliesLater = setTimeout(() => {
        this.talliesLater = null;
        this.schedule();
      }, paced.wait);
    }
  }

  private relayed({ id, route, next }: Relayed): void {
    this.feed.fly(`${id}>${next}`, [...route, next], 'relay', performance.now());
    this.schedule();
  }

  private refresh(): void {
    const snapshot = this.bee.snapshot();
    const { shown, tallies } = splitSnapshot(snapshot);
    const outbox = this.bee.outbox();
    const problems = [...this.bee.problems];
    if (!this.steady) {
      this.steady = { shown: new Steady(shown), tallies: new Paced(tallies, TALLIES_INTERVAL_MS), outbox: new Steady(outbox, outboxKey), problems: new Steady(problems) };
      this.tallies = tallies;
    }
    this.snapshot = this.steady.shown.next(shown);
    if (this.talliesShown) this.pace(this.steady.tallies, tallies);
    // Killed from the teacher's console: the page says so as if its own button had done it.
    if (this.bee.gone) this.left = true;
    const inbox = this.bee.inbox();
    for (const entry of inbox) {
      if (this.seenInbox.has(entry.id)) continue;
      this.seenInbox.add(entry.id);
      this.feed.fly(entry.id, entry.route, 'message', performance.now());
    }
    // Delivered entries never change, so the same count and newest entry mean the same inbox.
    if (inbox.length !== this.inbox.length || inbox.at(-1)?.id !== this.inbox[0]?.id) this.inbox = inbox.reverse();
    this.outbox = this.steady.outbox.next(outbox);
    this.problems = this.steady.problems.next(problems);
    if (this.feed.update(graphFromSnapshot(snapshot), Date.now())) {
      this.graph = this.feed.graph;
      this.timeline = this.feed.timeline;
    }
    this.flights = this.feed.flights;
    this.messageRate = this.feed.messagesPerSecond(performance.now());
  }
}
