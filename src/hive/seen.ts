// A bounded memory of ids already handled, so flooded frames are forwarded and delivered once.
// Oldest ids fall out first (Map keeps insertion order); nothing grows without limit.

export class SeenIds {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  /** Records the id; returns false if it was already there. */
  add(id: string, now: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.set(id, now);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  prune(now: number): void {
    for (const [id, at] of this.ids) {
      if (now - at <= this.ttlMs) break;
      this.ids.delete(id);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
