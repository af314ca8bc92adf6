// Whether a tab's tick goes on to the protocol now. A tick that comes long after the one before
// means this page stalled (30 tabs on 2 cores, a paused debugger, a laptop lid): the frames others
// sent meanwhile may still wait in the page's queue behind the timer, and the protocol would read
// their silence as death. That tick waits for the next one, after the queue; never two running,
// so a page that is always late still times out the dead.

/** A tick this long after the one before means a stall (a hidden tab ticks once a second). */
export const STALL_MS = 1500;

export class StallGuard {
  private lastAt = Number.NaN;
  private heldBack = false;

  /** Whether the tick at `now` reaches the protocol. */
  passes(now: number): boolean {
    const gap = now - this.lastAt;
    this.lastAt = now;
    this.heldBack = gap > STALL_MS && !this.heldBack;
    return !this.heldBack;
  }
}
