// Reactive view of one bee for the components: refreshed at most once per animation frame from
// the driver's change notifications, so a busy colony does not re-render per frame received.
// It also watches the colony over time (ColonyFeed): the map, messages to animate, a timeline.

import type { Bee, HiveSnapshot, InboxEntry, Relayed } from '../bee';
import type { OutboxEntry } from '../store/outbox';
import { ColonyFeed, type TimelineEntry } from './feed';
import { graphFromSnapshot } from './map/from-snapshot';
import { EMPTY_GRAPH, type Flight, type MapGraph } from './map/graph';

export class BeeView {
  snapshot: HiveSnapshot = $state() as HiveSnapshot;
  inbox: InboxEntry[] = $state([]);
  outbox: OutboxEntry[] = $state([]);
  problems: string[] = $state([]);
  graph: MapGraph = $state.raw(EMPTY_GRAPH);
  flights: Flight[] = $state.raw([]);
  timeline: TimelineEntry[] = $state.raw([]);
  /** Messages seen moving here per second (arriving and relayed), over the last seconds. */
  messageRate = $state(0);
  /** Set once this bee has left the colony on purpose ("kill this bee"). */
  left = $state(false);
  readonly feed = new ColonyFeed();
  private scheduled = false;
  private seenInbox = new Set<string>();

  constructor(readonly bee: Bee) {
    // Messages delivered before this page load are history, not flights.
    for (const entry of bee.inbox()) this.seenInbox.add(entry.id);
    this.refresh();
    bee.subscribe(() => this.schedule());
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

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.refresh();
    });
  }

  private relayed({ id, route, next }: Relayed): void {
    this.feed.fly(`${id}>${next}`, [...route, next], 'relay', performance.now());
    this.schedule();
  }

  private refresh(): void {
    this.snapshot = this.bee.snapshot();
    // Killed from the teacher's console: the page says so as if its own button had done it.
    if (this.bee.gone) this.left = true;
    const inbox = this.bee.inbox();
    for (const entry of inbox) {
      if (this.seenInbox.has(entry.id)) continue;
      this.seenInbox.add(entry.id);
      this.feed.fly(entry.id, entry.route, 'message', performance.now());
    }
    this.inbox = inbox.reverse();
    this.outbox = this.bee.outbox();
    this.problems = [...this.bee.problems];
    if (this.feed.update(graphFromSnapshot(this.snapshot), Date.now())) {
      this.graph = this.feed.graph;
      this.timeline = this.feed.timeline;
    }
    this.flights = this.feed.flights;
    this.messageRate = this.feed.messagesPerSecond(performance.now());
  }
}
