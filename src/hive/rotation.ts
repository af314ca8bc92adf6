// A slice of a big map in every digest: a cursor that cycles through a Map's values from one
// heartbeat to the next, so that every entry is gossiped now and then.
//
// It holds a live iterator only while digests use it. V8 keeps, for an iterator, every hash table
// its Map has since outgrown or rehashed (so that it can catch up), with the entries those held:
// a roster's cursor left idle by a bee that joined a hive held two fifths of the simulator's heap
// at 1,000 bees, entries long gone from the roster.

export class Rotation<V> {
  private iterator: Iterator<V> | null = null;

  constructor(private readonly map: ReadonlyMap<unknown, V>) {}

  /** The next value, starting over after the last; undefined when the map is empty. */
  next(): V | undefined {
    this.iterator ??= this.map.values();
    let step = this.iterator.next();
    if (step.done) {
      this.iterator = this.map.values();
      step = this.iterator.next();
    }
    return step.done ? undefined : step.value;
  }

  /** A digest that took nothing from the rotation lets go of it: the next one starts over. */
  idle(): void {
    this.iterator = null;
  }
}
