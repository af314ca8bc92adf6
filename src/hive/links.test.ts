import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Effects } from './events';
import { Links } from './links';
import { seededRng } from './rng';

const bee = (n: number) => n.toString(16).padStart(16, '0');
const [self, worker, mate, otherQueen, egg] = [0, 1, 2, 3, 4].map(bee) as [string, string, string, string, string];
const strangers = [5, 6, 7, 8].map(bee);

/** A bee's links, each far end saying whom it follows. */
function linksTo(follows: ReadonlyArray<[string, string | null]>): { links: Links; fx: Effects } {
  const fx = new Effects();
  const links = new Links(self, DEFAULT_CONFIG, seededRng(1), fx, () => false);
  for (const [peer, queen] of follows) {
    links.opened(peer, 0, () => true);
    links.get(peer)!.follows = queen;
  }
  return { links, fx };
}

describe('Links.shed', () => {
  it("closes a queen's links to bees settled in other hives past the oldest few, and keeps her workers, her members and bees in no hive", () => {
    const { links, fx } = linksTo([[worker, self], [mate, otherQueen], [egg, null], ...strangers.map((s): [string, string] => [s, otherQueen])]);
    links.shed([self, mate], 2, 0);
    expect([...links.open.keys()]).toEqual([worker, mate, egg, strangers[0], strangers[1]]);
    expect(fx.list).toEqual([strangers[2], strangers[3]].map((peer) => ({ type: 'unlink', peer })));
  });

  it('rests the bees it sheds, so that no rule asks for their links again at once', () => {
    const { links, fx } = linksTo([[strangers[0]!, otherQueen]]);
    links.shed([self], 0, 0);
    links.keepNeighbours(() => [strangers[0]!], 1);
    expect(links.resting(strangers[0]!)).toBe(true);
    expect(fx.list).toEqual([{ type: 'unlink', peer: strangers[0] }]);
  });

  it('leaves a queen her court: other queens are shed by the court table, not here', () => {
    const { links } = linksTo([[otherQueen, otherQueen], [strangers[0]!, otherQueen]]);
    links.shed([self], 0, 0);
    expect([...links.open.keys()]).toEqual([otherQueen]);
  });
});

describe('Links.keepHive', () => {
  it("asks for the worker's queen (its heir is asked for apart), and closes nothing else until she is linked", () => {
    const { links, fx } = linksTo([[worker, mate], [strangers[0]!, otherQueen]]);
    links.get(worker)!.asked = true;
    links.keepHive(mate, undefined, [self, mate, worker], true, 0);
    expect(fx.take()).toEqual([{ type: 'link', peer: mate }]);
    expect([...links.open.keys()]).toEqual([worker, strangers[0]]);
  });

  it("once its queen is linked, closes what it asked for beyond her and her heir, and links to other hives' bees", () => {
    const { links, fx } = linksTo([[mate, mate], [worker, mate], [egg, null], [strangers[0]!, otherQueen], [strangers[1]!, mate]]);
    links.get(worker)!.asked = true;
    links.keepHive(mate, strangers[2], [self, mate, worker, strangers[1]!, strangers[2]!], true, 0);
    expect(fx.list).toEqual([
      { type: 'unlink', peer: worker },
      { type: 'unlink', peer: strangers[0] },
    ]);
    expect([...links.open.keys()]).toEqual([mate, egg, strangers[1]]);
  });

  it('keeps the links to its queen and her heir open, whoever asked for them', () => {
    const { links, fx } = linksTo([[mate, mate], [worker, mate]]);
    for (const peer of [mate, worker]) links.get(peer)!.asked = true;
    links.keepHive(mate, worker, [self, mate, worker], true, 0);
    expect(fx.list).toEqual([]);
  });
});

describe('Links.closed', () => {
  it('rests a bee of another hive that closed a link we asked for, and not a bee of our own hive', () => {
    const { links } = linksTo([[strangers[0]!, otherQueen], [worker, mate]]);
    for (const peer of [strangers[0]!, worker]) links.get(peer)!.asked = true;
    links.closed(strangers[0]!, 1, mate);
    links.closed(worker, 1, mate);
    expect(links.resting(strangers[0]!)).toBe(true);
    expect(links.resting(worker)).toBe(false);
  });
});

describe('Links.reach', () => {
  it('asks for a link once, not again while it opens or rests after failing, and again once rested', () => {
    const { links, fx } = linksTo([]);
    links.reach(worker, 0);
    links.reach(worker, 250);
    expect(fx.take()).toEqual([{ type: 'link', peer: worker }]);
    links.closed(worker, 500, null); // refused
    links.reach(worker, 750);
    expect(fx.take()).toEqual([]);
    links.expire(500 + DEFAULT_CONFIG.linkAttemptTimeoutMs + 1);
    links.reach(worker, 500 + DEFAULT_CONFIG.linkAttemptTimeoutMs + 1);
    expect(fx.take()).toEqual([{ type: 'link', peer: worker }]);
  });
});

describe('a worker and the link it reaches for', () => {
  it('keeps a link the driver reached for (a split room\'s founder) while it keeps asking', () => {
    const { links, fx } = linksTo([[mate, mate]]);
    links.reach(strangers[0]!, 0);
    links.opened(strangers[0]!, 10, () => true);
    links.get(strangers[0]!)!.follows = null;
    fx.take();
    links.keepHive(mate, undefined, [self, mate], true, 20);
    expect(fx.take()).toEqual([]);
    links.keepHive(mate, undefined, [self, mate], true, 20 + DEFAULT_CONFIG.linkAttemptTimeoutMs + 1);
    expect(fx.take()).toContainEqual({ type: 'unlink', peer: strangers[0] });
  });
});
