import { describe, expect, it } from 'vitest';
import type { WorkerFitness } from './election';
import { breedingShare, HiveMap, MAX_LISTED_WORKERS, mergeRoom, mergeTarget, overloaded, planBreeding } from './hives';
import type { HiveEntry } from './frames';
import { seededRng } from './rng';

const bee = (n: number) => n.toString(16).padStart(16, '0');
const fit = (uptimeMs: number, visible = true): WorkerFitness => ({ uptimeMs, visible });

describe('HiveMap', () => {
  it('keeps the newest stamp of each hive and indexes its workers', () => {
    const map = new HiveMap(bee(0));
    expect(map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 5, term: 1, size: 2, workers: [bee(2), bee(3)] }, 100)).toBe(true);
    expect(map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 4, term: 1, size: 1, workers: [bee(9)] }, 200)).toBe(false);
    expect(map.queenOf(bee(2))).toBe(bee(1));
    expect(map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 6, term: 1, size: 1, workers: [bee(3)] }, 300)).toBe(true);
    expect(map.queenOf(bee(2))).toBeUndefined();
    expect(map.queenOf(bee(3))).toBe(bee(1));
    expect(map.merge({ queen: bee(0), hive: bee(0 + 100), beat: 9, term: 1, size: 0, workers: [] }, 300)).toBe(false);
  });

  it('indexes listed workers only while the bee routes by them, from the lists it kept meanwhile', () => {
    let queen = false;
    const map = new HiveMap(bee(0), () => Infinity, () => queen);
    map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 5, term: 1, size: 2, workers: [bee(2), bee(3)] }, 100);
    expect(map.get(bee(1))?.workers).toEqual([bee(2), bee(3)]);
    queen = true;
    expect(map.queenOf(bee(2))).toBe(bee(1));
    map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 6, term: 1, size: 1, workers: [bee(3)] }, 200);
    expect(map.queenOf(bee(2))).toBeUndefined();
    queen = false;
    map.merge({ queen: bee(4), hive: bee(4 + 100), beat: 1, term: 1, size: 1, workers: [bee(2)] }, 300);
    queen = true;
    expect(map.queenOf(bee(2))).toBe(bee(4));
    expect(map.queenOf(bee(3))).toBe(bee(1));
  });

  it('indexes as a full relist would, through lists that change a worker at a time, sorted or not', () => {
    const rng = seededRng(7);
    const map = new HiveMap(bee(0));
    const queens = [1, 2, 3].map((i) => bee(1000 + i));
    // The definition: a list that changed takes its old workers out of the index (those still
    // under this queen) and puts all its new ones in.
    const lists = new Map<string, string[]>();
    const index = new Map<string, string>();
    for (let beat = 1; beat <= 400; beat++) {
      const queen = rng.pick(queens) as string;
      const before = lists.get(queen) ?? [];
      const workers = [...before];
      if (workers.length > 0 && rng.next() < 0.4) workers.splice(rng.int(workers.length), 1);
      else workers.push(bee(1 + rng.int(30)));
      const after = [...new Set(workers)].sort();
      if (rng.next() < 0.2) after.reverse();
      map.merge({ queen, hive: queen, beat, term: 1, size: after.length, workers: after }, beat);
      if (after.join() !== before.join()) {
        for (const worker of before) if (index.get(worker) === queen) index.delete(worker);
        for (const worker of after) index.set(worker, queen);
      }
      lists.set(queen, after);
      for (let i = 1; i <= 30; i++) expect(map.queenOf(bee(i))).toBe(index.get(bee(i)));
    }
  });

  it('keeps at most its limit, the stalest hive making room, and takes it back when it is news again', () => {
    let limit = 2;
    const map = new HiveMap(bee(0), () => limit);
    for (const n of [1, 2, 3]) map.merge({ queen: bee(n), hive: bee(n + 100), beat: 5, term: 1, size: 1, workers: [bee(n + 10)] }, n);
    expect(map.queens()).toEqual([bee(2), bee(3)]);
    expect(map.queenOf(bee(11))).toBeUndefined();
    limit = Infinity;
    expect(map.merge({ queen: bee(1), hive: bee(101), beat: 5, term: 1, size: 1, workers: [bee(11)] }, 10)).toBe(true);
    expect(map.queens()).toEqual([bee(2), bee(3), bee(1)]);
  });

  it('forgets a hive whose stamp stops advancing, and stale gossip does not bring it back', () => {
    const map = new HiveMap(bee(0));
    map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 5, term: 1, size: 1, workers: [bee(2)] }, 0);
    map.merge({ queen: bee(4), hive: bee(4 + 100), beat: 5, term: 1, size: 0, workers: [] }, 5000);
    map.expire(7000, 6000);
    expect(map.queens()).toEqual([bee(4)]);
    expect(map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 5, term: 1, size: 1, workers: [bee(2)] }, 7100)).toBe(false);
    // She reigns again: a later stamp is news.
    expect(map.merge({ queen: bee(1), hive: bee(1 + 100), beat: 50, term: 2, size: 0, workers: [] }, 7200)).toBe(true);
  });

  it('keeps hives listed up to its limit of workers, and the others as counts until there is room', () => {
    const map = new HiveMap(bee(0));
    const perHive = 64;
    const hives = MAX_LISTED_WORKERS / perHive;
    const workersOf = (n: number) => Array.from({ length: perHive }, (_, i) => bee(n * 1000 + i));
    const hive = (n: number, beat = 1) => ({ queen: bee(n), hive: bee(n + 100), beat, term: 1, size: perHive, workers: workersOf(n) });
    for (let n = 1; n <= hives + 1; n++) map.merge(hive(n), n);
    expect(map.queenOf(bee(1000))).toBe(bee(1));
    // No room for one hive more: it is a count, and fresh news of it changes nothing.
    const over = hives + 1;
    expect(map.get(bee(over))).toMatchObject({ size: perHive, workers: [] });
    map.merge(hive(over, 2), 100);
    expect(map.queenOf(bee(over * 1000))).toBeUndefined();
    // A listed hive forgotten makes room.
    map.remove(bee(1));
    expect(map.queenOf(bee(1000))).toBeUndefined();
    map.merge(hive(over, 3), 101);
    expect(map.queenOf(bee(over * 1000))).toBe(bee(over));
    // A count says nothing of who works there: the list kept stands.
    map.merge({ ...hive(3, 2), workers: [] }, 102);
    expect(map.queenOf(bee(3000))).toBe(bee(3));
    expect(map.get(bee(3))?.beat).toBe(2);
  });

  it('tells of at most 24 hives a heartbeat, its own first, and rotates through the rest', () => {
    const map = new HiveMap(bee(0));
    for (let i = 1; i <= 100; i++) map.merge({ queen: bee(i), hive: bee(i + 100), beat: 1, term: 1, size: 0, workers: [] }, i);
    const own = { queen: bee(0), hive: bee(0 + 100), beat: 7, term: 1, size: 0, workers: [] };
    const told = new Set<string>();
    for (let beat = 0; beat < 10; beat++) {
      const digest = map.digest(own);
      expect(digest.length).toBeLessThanOrEqual(24);
      expect(digest[0]).toEqual(own);
      for (const hive of digest) told.add(hive.queen);
    }
    expect(told.size).toBe(101);
  });

  it('starts its rotation over after a digest that tells of every hive (an idle cursor holds what the map dropped)', () => {
    const map = new HiveMap(bee(0));
    for (let i = 1; i <= 100; i++) map.merge({ queen: bee(i), hive: bee(i + 100), beat: 1, term: 1, size: 0, workers: [] }, i);
    // Half a digest is the freshest hives (100 down to 89), the rest rotates from the first.
    const rotating = (digest: HiveEntry[]) => digest[12]?.queen;
    expect(rotating(map.digest(null))).toBe(bee(1));
    expect(rotating(map.digest(null))).toBe(bee(13));
    expect(map.digest(null, 200)).toHaveLength(100);
    expect(rotating(map.digest(null))).toBe(bee(1));
  });
});

describe('breeding and merging', () => {
  it('counts a queen overloaded by workers or by relay load', () => {
    expect(overloaded({ workers: 9, capacity: 8, relayRate: 0, relayLimit: 400 })).toBe(true);
    expect(overloaded({ workers: 8, capacity: 8, relayRate: 0, relayLimit: 400 })).toBe(false);
    expect(overloaded({ workers: 4, capacity: 8, relayRate: 500, relayLimit: 400 })).toBe(true);
  });

  it('halves a hive just over capacity, crowning the best worker', () => {
    const workers = new Map([bee(1), bee(2), bee(3), bee(4), bee(5)].map((id, i) => [id, fit(1000 * i, i !== 4)]));
    const [brood, ...more] = planBreeding(workers, 4, seededRng(1));
    expect(more).toEqual([]);
    expect(brood!.heir).toBe(bee(4)); // the longest-lived visible worker
    expect(brood!.movers).toHaveLength(2);
    expect(brood!.movers).not.toContain(bee(4));
  });

  it('deals a crowd out to several new queens, none over capacity', () => {
    const workers = new Map(Array.from({ length: 60 }, (_, i) => [bee(i + 1), fit(i)] as const));
    const broods = planBreeding(workers, 8, seededRng(2));
    const moved = broods.flatMap((brood) => [brood.heir, ...brood.movers]);
    expect(new Set(moved).size).toBe(moved.length);
    for (const brood of broods) expect(brood.movers.length).toBeLessThanOrEqual(breedingShare(8));
    expect(60 - moved.length).toBeLessThanOrEqual(8);
  });

  it('merges only hives that fit together with room to spare, the smaller into the larger', () => {
    const hives = [
      { queen: bee(1), hive: bee(1 + 100), beat: 1, term: 1, size: 2, workers: [bee(10), bee(11)] },
      { queen: bee(2), hive: bee(2 + 100), beat: 1, term: 1, size: 4, workers: [bee(12), bee(13), bee(14), bee(15)] },
    ];
    expect(mergeRoom(8)).toBe(6);
    expect(mergeTarget(bee(3), 1, hives, 8)).toBe(bee(2)); // both fit: the larger takes it
    expect(mergeTarget(bee(3), 2, hives, 8)).toBe(bee(1)); // 2 + 1 + 2 fits; 2 + 1 + 4 does not
    expect(mergeTarget(bee(2), 4, hives, 8)).toBeUndefined(); // the larger hive never moves
    // A fresh split (two halves adding up to more than capacity) never merges straight back.
    expect(mergeTarget(bee(3), 4, hives, 8)).toBeUndefined();
  });

  it('takes a small hive (at most a quarter of capacity) into any hive with room for it', () => {
    const full = (queen: number, size: number) => ({ queen: bee(queen), hive: bee(queen + 100), beat: 1, term: 1, size, workers: [] });
    // Seven founded one hive and one queen the other (a founding storm): 0 + 1 + 6 leaves no spare room, yet fits.
    expect(mergeTarget(bee(3), 0, [full(1, 6)], 8)).toBe(bee(1));
    expect(mergeTarget(bee(3), 0, [full(1, 8)], 8)).toBeUndefined();
    // A hive of two is a quarter of 8: it fills the other hive up to capacity, never over it.
    expect(mergeTarget(bee(3), 1, [full(1, 6)], 8)).toBe(bee(1));
    expect(mergeTarget(bee(3), 1, [full(1, 7)], 8)).toBeUndefined();
    // A hive of three is not small: it needs the spare room.
    expect(mergeTarget(bee(3), 2, [full(1, 5)], 8)).toBeUndefined();
    // Two bees hatched beside 58 at capacity 64 (the /sim scene): all 60 fit, so they join.
    expect(mergeTarget(bee(3), 1, [full(1, 57)], 64)).toBe(bee(1));
    // Two lone queens: only one moves.
    expect([mergeTarget(bee(3), 0, [full(4, 0)], 8), mergeTarget(bee(4), 0, [full(3, 0)], 8)]).toEqual([undefined, bee(3)]);
  });
});
