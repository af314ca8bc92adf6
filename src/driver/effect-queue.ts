// Carries out effects in order, except that a frame never leaves before the writes issued ahead of
// it are done. Raft's rule (etcd's Ready: "saved to stable storage BEFORE messages are sent"): a
// vote is on disk before the frame that casts it leaves, and a delivered message is in the inbox
// before its acknowledgement leaves, so a reload can neither vote twice in a term nor lose a
// message its sender was told arrived. Local effects (memory, timers, links being opened) do not
// wait, and a frame waits only for writes issued before it, never for later ones: under a steady
// stream of deliveries heartbeats still go out.
//
// A write that fails takes the frames behind it with it, those of its own batch (one protocol
// step) and those held behind it since: a vote that is not on disk must never be cast, and an ack
// not sent only makes its sender try again. A link closing waits like a frame (it must not cut off
// the frames before it) but still closes when a write fails: closing casts nothing.
//
// A write answers at once (true or false: the simulator's memory) or later (a promise: IndexedDB).
// Answers at once cost no promise and no microtask, so a simulated run stays synchronous.

/** A write's outcome: known at once, or later. A rejected promise is a failed write. */
export type Written = boolean | Promise<boolean>;

/** How an effect stands to the writes issued before it. */
export type Order =
  /** Carried out at once: writes themselves, and everything that only changes this page. */
  | 'local'
  /** Waits for the writes before it and never leaves if one of them failed. */
  | 'frame'
  /** Waits for the writes before it (a link closing after its last frame), failed or not. */
  | 'ordered';

interface Held<E> {
  effect: E;
  frame: boolean;
  /** The last write issued before this effect; it waits until that and all earlier are done. */
  after: number;
}

export class EffectQueue<E> {
  private readonly held: Held<E>[] = [];
  /** Writes issued and not yet done, by issue number, oldest first. */
  private readonly writing = new Set<number>();
  private issued = 0;
  /** Frames dropped because a write before them failed. */
  dropped = 0;

  /** `apply` carries an effect out and returns a write's outcome, or undefined when it wrote nothing. */
  constructor(
    private readonly apply: (effect: E) => Written | undefined,
    private readonly order: (effect: E) => Order,
  ) {}

  /** One batch of effects, in the order the protocol returned them. */
  push(effects: readonly E[]): void {
    let failed = false;
    for (const effect of effects) {
      const order = this.order(effect);
      if (order === 'frame' && failed) {
        this.dropped++;
        continue;
      }
      if (order !== 'local' && (this.writing.size > 0 || this.held.length > 0)) {
        this.held.push({ effect, frame: order === 'frame', after: this.issued });
        continue;
      }
      const written = this.apply(effect);
      if (written === false) failed = true;
      else if (written !== undefined && written !== true) this.track(written);
    }
  }

  /**
   * The page is going away: the held effects are dropped (a vote not yet on disk is better never
   * cast; an ack not sent makes its sender retry), and the writes under way hold nothing back any
   * more, so a goodbye pushed after this leaves at once.
   */
  clear(): void {
    this.held.length = 0;
    this.writing.clear();
  }

  /** Effects waiting behind a write. */
  get waiting(): number {
    return this.held.length;
  }

  private track(write: Promise<boolean>): void {
    const number = ++this.issued;
    this.writing.add(number);
    const done = (ok: boolean) => {
      if (!this.writing.delete(number)) return; // cleared meanwhile: nothing waits on it
      if (!ok) this.dropFramesAfter(number);
      this.release();
    };
    write.then((result) => done(result !== false), () => done(false));
  }

  /** Drops the held frames issued after write `number`, which failed. */
  private dropFramesAfter(number: number): void {
    const kept = this.held.filter((held) => !held.frame || held.after < number);
    this.dropped += this.held.length - kept.length;
    this.held.splice(0, this.held.length, ...kept);
  }

  private release(): void {
    // Numbers go into the set in increasing order, and a set iterates in insertion order.
    const oldest = this.writing.size > 0 ? (this.writing.values().next().value as number) : Infinity;
    let released = 0;
    while (released < this.held.length && (this.held[released] as Held<E>).after < oldest) {
      this.apply((this.held[released] as Held<E>).effect);
      released++;
    }
    this.held.splice(0, released);
  }
}
