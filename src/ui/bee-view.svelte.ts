// Reactive view of one bee for the components: refreshed at most once per animation frame from
// the driver's change notifications, so a busy colony does not re-render per frame received.

import type { Bee, HiveSnapshot, InboxEntry } from '../bee';
import type { OutboxEntry } from '../store/outbox';

export class BeeView {
  snapshot: HiveSnapshot = $state() as HiveSnapshot;
  inbox: InboxEntry[] = $state([]);
  outbox: OutboxEntry[] = $state([]);
  problems: string[] = $state([]);
  private scheduled = false;

  constructor(readonly bee: Bee) {
    this.refresh();
    bee.subscribe(() => {
      if (this.scheduled) return;
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.refresh();
      });
    });
  }

  private refresh(): void {
    this.snapshot = this.bee.snapshot();
    this.inbox = this.bee.inbox().reverse();
    this.outbox = this.bee.outbox();
    this.problems = [...this.bee.problems];
  }
}
