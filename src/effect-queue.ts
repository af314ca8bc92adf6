// Carries out protocol effects in order, except that a frame never leaves before the writes
// started ahead of it have completed. Raft's rule (etcd's Ready: "saved to stable storage BEFORE
// messages are sent"): a vote is on disk before the frame that casts it leaves, and a delivered
// message is in the inbox before its acknowledgement leaves, so a reload can neither vote twice in
// a term nor lose a message its sender was told arrived. Local effects (memory, timers, links
// being opened) do not wait, and a frame waits only for writes issued before it, never for later
// ones: under a steady stream of deliveries heartbeats still go out. A write that fails (rejects
// or resolves false) takes the frames held behind it with it: a vote that is not on disk must
// never be cast, and an ack not sent only makes its sender try again.

interface Held<E> {
  effect: E;
  /** The last write issued before this effect; it waits until that and all earlier are done. */
  after: number;
}

export class EffectQueue<E> {
  private readonly held: Held<E>[] = [];
  /** Writes issued and not yet completed, by issue number. */
  private readonly writing = new Set<number>();
  private issued = 0;

  /**
   * `apply` returns a promise for an effect that writes; `waits` tells the effects that must
   * not overtake earlier writes (frames leaving, links closing after their last frame).
   */
  constructor(
    private readonly apply: (effect: E) => Promise<unknown> | undefined,
    private readonly waits: (effect: E) => boolean,
  ) {}

  push(effects: readonly E[]): void {
    for (const effect of effects) {
      if (this.waits(effect) && (this.writing.size > 0 || this.held.length > 0)) {
        this.held.push({ effect, after: this.issued });
        continue;
      }
      const write = this.apply(effect);
      if (write === undefined) continue;
      const number = ++this.issued;
      this.writing.add(number);
      const done = (ok: boolean) => {
        this.writing.delete(number);
        if (!ok) this.dropAfter(number);
        this.release();
      };
      write.then((result) => done(result !== false), () => done(false));
    }
  }

  /**
   * Drops the held effects: the page is going away, and a held frame must not leave before its
   * write (a vote not yet on disk is better never cast; an ack not sent makes its sender retry).
   */
  clear(): void {
    this.held.length = 0;
  }

  /** Effects dropped because a write before them failed. */
  dropped = 0;

  /** Effects waiting behind a write. */
  get waiting(): number {
    return this.held.length;
  }

  /** Drops the held effects issued after write `number`, which failed. */
  private dropAfter(number: number): void {
    const kept = this.held.filter((held) => held.after < number);
    this.dropped += this.held.length - kept.length;
    this.held.splice(0, this.held.length, ...kept);
  }

  private release(): void {
    const oldest = this.writing.size > 0 ? Math.min(...this.writing) : Infinity;
    let released = 0;
    while (released < this.held.length && (this.held[released] as Held<E>).after < oldest) {
      this.apply((this.held[released] as Held<E>).effect);
      released++;
    }
    this.held.splice(0, released);
  }
}
