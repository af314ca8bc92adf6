// The simulator's timed events: events at the same virtual time share a bucket, kept in
// insertion order, and a min-heap orders the (few) distinct times. Popping is then O(1) for
// most events, where a heap of all events costs a log-depth walk each. Ties break by insertion
// order, so a run is fully determined by its seed.

interface Bucket<T> {
  items: T[];
  /** Index of the next item to pop. */
  next: number;
}

export class EventQueue<T> {
  private readonly buckets = new Map<number, Bucket<T>>();
  /** Min-heap of the times that have a bucket. */
  private readonly times: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(at: number, item: T): void {
    this.count++;
    const bucket = this.buckets.get(at);
    if (bucket) {
      bucket.items.push(item);
      return;
    }
    this.buckets.set(at, { items: [item], next: 0 });
    this.pushTime(at);
  }

  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): { at: number; item: T } | undefined {
    const at = this.times[0];
    if (at === undefined) return undefined;
    const bucket = this.buckets.get(at) as Bucket<T>;
    const item = bucket.items[bucket.next++] as T;
    this.count--;
    if (bucket.next === bucket.items.length) {
      this.buckets.delete(at);
      this.popTime();
    }
    return { at, item };
  }

  private pushTime(at: number): void {
    const heap = this.times;
    heap.push(at);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= at) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = at;
  }

  private popTime(): void {
    const heap = this.times;
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
  }
}
