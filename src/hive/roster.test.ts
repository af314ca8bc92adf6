import { describe, expect, it } from 'vitest';
import { MAX_DIGEST_ENTRIES, type DigestEntry } from './frames';
import { seededRng } from './rng';
import { FRESH_DIGEST_ENTRIES, ROTATING_DIGEST_ENTRIES, Roster } from './roster';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe('Roster', () => {
  it('adds a bee on first gossip and keeps it while its beat advances', () => {
    const roster = new Roster(A, 5000);
    expect(roster.merge(B, 100, 0)).toBe(true);
    expect(roster.merge(B, 100, 1000)).toBe(false);
    expect(roster.merge(B, 4000, 4000)).toBe(true);
    expect(roster.expire(8000)).toEqual([]);
    expect(roster.others()).toEqual([B]);
  });

  it('holds at most its limit: the stalest bee makes room, and comes back when it is gossiped again', () => {
    const roster = new Roster(A, 5000, 3);
    const bees = ['1', '2', '3', '4'].map((c) => c.repeat(16));
    bees.forEach((bee, at) => roster.merge(bee, 1, at));
    expect(roster.others().sort()).toEqual(bees.slice(1));
    roster.merge(bees[1]!, 2, 10);
    expect(roster.merge(bees[0]!, 1, 11)).toBe(true);
    expect(roster.others().sort()).toEqual([bees[0], bees[1], bees[3]]);
  });

  it('moves its revision when a bee joins, leaves or makes room, and never on a beat', () => {
    const roster = new Roster(A, 5000, 2);
    const C = 'c'.repeat(16);
    const revisions: number[] = [];
    const after = (change: () => unknown) => (change(), revisions.push(roster.revision));
    after(() => roster.merge(B, 1, 0));
    after(() => roster.merge(B, 2, 10));
    after(() => roster.merge(C, 1, 20));
    after(() => roster.merge('d'.repeat(16), 1, 30));
    after(() => roster.remove(C, 40));
    after(() => roster.expire(10_000));
    expect(revisions).toEqual([1, 1, 2, 4, 5, 6]);
  });

  it('drops a bee whose beat stops advancing', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    expect(roster.expire(5001)).toEqual([B]);
    expect(roster.has(B)).toBe(false);
  });

  it('never lets stale gossip resurrect a departed bee', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    roster.remove(B, 10);
    expect(roster.merge(B, 100, 20)).toBe(false);
    expect(roster.merge(B, 50, 20)).toBe(false);
    expect(roster.has(B)).toBe(false);
  });

  it('takes back a departed bee that beats again later (a reloaded tab)', () => {
    const roster = new Roster(A, 5000);
    roster.merge(B, 100, 0);
    roster.remove(B, 10);
    expect(roster.merge(B, 101, 20)).toBe(true);
    expect(roster.has(B)).toBe(true);
  });

  it('never lists itself among the others and leads its digest with itself', () => {
    const roster = new Roster(A, 5000);
    expect(roster.merge(A, 100, 0)).toBe(false);
    roster.merge(B, 7, 0);
    expect(roster.others()).toEqual([B]);
    expect(roster.digest(42)).toEqual([[A, 42], [B, 7]]);
  });
});

/** The roster's contract written the slow, obvious way: sort for a digest, scan for expiry. */
class ReferenceRoster {
  readonly live = new Map<string, { beat: number; freshAt: number }>();
  readonly departed = new Map<string, { beat: number; at: number }>();
  constructor(private readonly self: string, private readonly timeoutMs: number) {}
  merge(bee: string, beat: number, now: number): boolean {
    if (bee === this.self) return false;
    const gone = this.departed.get(bee);
    if (gone && beat <= gone.beat) return false;
    this.departed.delete(bee);
    const entry = this.live.get(bee);
    if (entry && beat <= entry.beat) return false;
    this.live.set(bee, { beat, freshAt: now });
    return true;
  }
  remove(bee: string, now: number): void {
    const entry = this.live.get(bee);
    if (!entry) return;
    this.live.delete(bee);
    this.departed.set(bee, { beat: entry.beat, at: now });
  }
  expire(now: number): string[] {
    const dropped = [...this.live].filter(([, e]) => now - e.freshAt > this.timeoutMs).map(([bee]) => bee);
    for (const bee of dropped) this.remove(bee, now);
    for (const [bee, gone] of this.departed) if (now - gone.at > this.timeoutMs * 4) this.departed.delete(bee);
    return dropped;
  }
  /** The head of a digest: self, then the freshest; the rest rotates and is checked apart. */
  freshest(selfBeat: number): DigestEntry[] {
    const entries = [...this.live].sort((x, y) => y[1].freshAt - x[1].freshAt).slice(0, FRESH_DIGEST_ENTRIES - 1);
    return [[this.self, selfBeat], ...entries.map(([bee, e]): DigestEntry => [bee, e.beat])];
  }
}

describe('Roster at colony scale', () => {
  it('lists the freshest first, equally fresh bees in the order they joined', () => {
    const roster = new Roster(A, 5000);
    const [c, d, e] = ['cccccccccccccccc', 'dddddddddddddddd', 'eeeeeeeeeeeeeeee'];
    roster.merge(B, 1, 0);
    roster.merge(c, 1, 0);
    roster.merge(d, 1, 10);
    roster.merge(B, 2, 20);
    roster.merge(e, 1, 20);
    roster.merge(c, 2, 20);
    expect(roster.digest(9)).toEqual([[A, 9], [B, 2], [c, 2], [e, 1], [d, 1]]);
  });

  it('rotates every bee of a big roster through its digests', () => {
    const roster = new Roster(A, 60_000, Infinity);
    const bees = Array.from({ length: 1000 }, (_, i) => (i + 1).toString(16).padStart(16, '0'));
    bees.forEach((bee, i) => roster.merge(bee, 1, i));
    const mentioned = new Set<string>();
    for (let beat = 0; beat < Math.ceil(bees.length / ROTATING_DIGEST_ENTRIES) + 1; beat++) {
      for (const [bee] of roster.digest(beat)) mentioned.add(bee);
    }
    expect(bees.every((bee) => mentioned.has(bee))).toBe(true);
  });

  it('starts its rotation over after a digest with no room for it (an idle cursor holds what the roster dropped)', () => {
    const roster = new Roster(A, 60_000, Infinity);
    const bees = Array.from({ length: 300 }, (_, i) => (i + 1).toString(16).padStart(16, '0'));
    bees.forEach((bee, i) => roster.merge(bee, 1, i));
    const rotating = (digest: DigestEntry[]) => digest[FRESH_DIGEST_ENTRIES]?.[0];
    expect(rotating(roster.digest(1))).toBe(bees[0]);
    expect(rotating(roster.digest(2))).toBe(bees[ROTATING_DIGEST_ENTRIES]);
    roster.digest(3, FRESH_DIGEST_ENTRIES);
    expect(rotating(roster.digest(4))).toBe(bees[0]);
  });

  it('matches the sorting, scanning definition through thousands of joins, beats, departures and expiries', () => {
    const rng = seededRng(42);
    const bees = Array.from({ length: 600 }, (_, i) => i.toString(16).padStart(16, '0'));
    const roster = new Roster(A, 3000, Infinity);
    const reference = new ReferenceRoster(A, 3000);
    for (let now = 0; now < 30_000; now += 1 + rng.int(20)) {
      for (let i = rng.int(40); i > 0; i--) {
        const bee = rng.pick(bees) as string;
        const beat = now - rng.int(5000);
        expect(roster.merge(bee, beat, now)).toBe(reference.merge(bee, beat, now));
      }
      if (rng.next() < 0.05) {
        const bee = rng.pick(bees) as string;
        roster.remove(bee, now);
        reference.remove(bee, now);
      }
      if (rng.next() < 0.2) expect(roster.expire(now).sort()).toEqual(reference.expire(now).sort());
      if (rng.next() < 0.1) {
        const digest = roster.digest(now);
        const head = reference.freshest(now);
        expect(digest.slice(0, head.length)).toEqual(head);
        // The rotating rest names live bees only, each once, up to the frame's limit.
        expect(digest.length).toBeLessThanOrEqual(MAX_DIGEST_ENTRIES);
        expect(new Set(digest.map(([bee]) => bee)).size).toBe(digest.length);
        for (const [bee, beat] of digest.slice(head.length)) expect(reference.live.get(bee)?.beat).toBe(beat);
      }
      expect(roster.size).toBe(reference.live.size);
    }
    expect(roster.others()).toEqual([...reference.live.keys()]);
  });
});
