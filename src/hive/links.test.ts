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
    links.shed([self, mate], 2);
    expect([...links.open.keys()]).toEqual([worker, mate, egg, strangers[0], strangers[1]]);
    expect(fx.list).toEqual([strangers[2], strangers[3]].map((peer) => ({ type: 'unlink', peer })));
  });

  it('leaves a queen her court: other queens are shed by the court table, not here', () => {
    const { links } = linksTo([[otherQueen, otherQueen], [strangers[0]!, otherQueen]]);
    links.shed([self], 0);
    expect([...links.open.keys()]).toEqual([otherQueen]);
  });
});

describe('Links.reach', () => {
  it('asks for a link once, not again while it opens or rests after failing, and again once rested', () => {
    const { links, fx } = linksTo([]);
    links.reach(worker, 0);
    links.reach(worker, 250);
    expect(fx.take()).toEqual([{ type: 'link', peer: worker }]);
    links.closed(worker, 500); // refused
    links.reach(worker, 750);
    expect(fx.take()).toEqual([]);
    links.expire(500 + DEFAULT_CONFIG.linkAttemptTimeoutMs + 1);
    links.reach(worker, 500 + DEFAULT_CONFIG.linkAttemptTimeoutMs + 1);
    expect(fx.take()).toEqual([{ type: 'link', peer: worker }]);
  });
});
