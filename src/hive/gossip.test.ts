// What a queen tells a court queen: in a colony too big for one heartbeat, the hives nearest that
// queen in the key space, so that the deepest buckets of her court table fill (court-table.ts).
import { describe, expect, it } from 'vitest';
import { courtKey } from './court-table';
import { MAX_HIVE_ENTRIES, type Heartbeat, type HiveEntry } from './frames';
import { Gossip, type GossipHost } from './gossip';
import { HiveMap } from './hives';
import type { LinkState } from './links';
import { seededRng } from './rng';

// Ids that differ in their last characters only have keys that share their leading bits: random ones.
const rng = seededRng(7);
const bee = () => rng.hex(8);
const [self, courtQueen, worker] = [bee(), bee(), bee()];
const hiveOf = (queen: string): HiveEntry => ({ queen, hive: `${queen.slice(0, 8)}hive`, beat: 1, term: 1, size: 1, workers: [] });
const nearestFirst = (key: number) => (x: string, y: string) => ((courtKey(x) ^ key) >>> 0) - ((courtKey(y) ^ key) >>> 0);

/** A queen who knows `count` hives besides her own, and the full heartbeat she would send. */
function queenKnowing(count: number): { gossip: Gossip; beat: Heartbeat; known: string[] } {
  const hives = new HiveMap(self);
  const known = Array.from({ length: count }, bee);
  for (const queen of [courtQueen, ...known]) hives.merge(hiveOf(queen), 0);
  const gossip = new Gossip({ hives, reign: () => ({}) } as unknown as GossipHost);
  const beat: Heartbeat = {
    t: 'hb', digest: [], hives: [hiveOf(self), ...hives.digest(null, MAX_HIVE_ENTRIES - 1)], term: 1, queen: self, hive: 'h', hiveVersion: null, uptimeMs: 0, visible: true, version: 0,
  };
  return { gossip, beat, known };
}

const linkFollowing = (queen: string) => ({ follows: queen }) as LinkState;

describe('HiveMap.nearest', () => {
  it('gives the hives whose queens are nearest a key, nearest first, leaving one out', () => {
    const hives = new HiveMap(self);
    const queens = Array.from({ length: 40 }, bee);
    for (const queen of queens) hives.merge(hiveOf(queen), 0);
    const key = courtKey(courtQueen);
    const expected = queens.filter((queen) => queen !== queens[3]).sort(nearestFirst(key)).slice(0, 5);
    expect(hives.nearest(key, 5, queens[3]!).map((hive) => hive.queen)).toEqual(expected);
  });
});

describe('Gossip.beatFor', () => {
  it("tells a court queen of the hives nearest her, in place of the last rotating ones, never of her own", () => {
    const { gossip, beat, known } = queenKnowing(60);
    const told = gossip.beatFor(beat, courtQueen, linkFollowing(courtQueen));
    const nearest = known.sort(nearestFirst(courtKey(courtQueen))).slice(0, 4);
    expect(told.hives.length).toBeLessThanOrEqual(MAX_HIVE_ENTRIES);
    expect(told.hives[0]!.queen).toBe(self);
    for (const queen of nearest) expect(told.hives.map((hive) => hive.queen)).toContain(queen);
    expect(told.hives.map((hive) => hive.queen)).not.toContain(courtQueen);
  });

  it('tells a worker, and any bee of a small colony, the heartbeat as it is', () => {
    const { gossip, beat } = queenKnowing(60);
    expect(gossip.beatFor(beat, worker, linkFollowing(self))).toBe(beat);
    const small = queenKnowing(10);
    expect(small.gossip.beatFor(small.beat, courtQueen, linkFollowing(courtQueen)).hives.map((hive) => hive.queen)).toEqual(small.beat.hives.map((hive) => hive.queen).filter((queen) => queen !== courtQueen));
  });
});
