// Carries out protocol effects strictly in order, holding back everything after an effect that
// must reach storage first. Raft's rule (etcd's Ready: "saved to stable storage BEFORE messages
// are sent"): a vote is on disk before the frame that casts it leaves, and a delivered message is
// in the inbox before its acknowledgement leaves, so a reload can neither vote twice in a term nor
// lose a message its sender was told arrived.

export class EffectQueue<E> {
  private readonly queue: E[] = [];
  private holding = false;

  /** `apply` returns a promise for effects that hold back the rest until it settles. */
  constructor(private readonly apply: (effect: E) => Promise<unknown> | undefined) {}

  push(effects: readonly E[]): void {
    this.queue.push(...effects);
    this.drain();
  }

  /**
   * Drops what is held: the page is going away, and a held frame must not leave before its write
   * (a vote not yet on disk is better never cast; an ack not sent makes its sender retry).
   */
  clear(): void {
    this.queue.length = 0;
  }

  /** Effects waiting behind a write. */
  get held(): number {
    return this.queue.length;
  }

  private drain(): void {
    while (!this.holding && this.queue.length > 0) {
      const wait = this.apply(this.queue.shift() as E);
      if (wait === undefined) continue;
      this.holding = true;
      const resume = () => {
        this.holding = false;
        this.drain();
      };
      wait.then(resume, resume);
    }
  }
}
