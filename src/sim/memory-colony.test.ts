// The memory colony runs its bees through the tab's driver and keeps what a tab stores, so a
// reload restores a bee as a tab restores it: its vote, its hive's membership, its inbox.
import { describe, expect, it } from 'vitest';
import { MemoryColony, type MemoryBee } from './memory-colony';

const snap = (bee: MemoryBee) => bee.protocol.snapshot();

describe('the memory colony', () => {
  it('reloads a bee with the vote and membership it stored: it rejoins its queen in the same term without an election', async () => {
    const colony = new MemoryColony({ seed: 61 });
    const bees = Array.from({ length: 4 }, () => colony.addBee());
    await colony.run(15_000);
    const reign = colony.reign();
    expect(reign).toHaveProperty('queen');
    const queen = bees.find((bee) => bee.id === (reign as { queen: string }).queen)!;
    const worker = bees.find((bee) => bee !== queen)!;
    queen.post(worker.id, 'before the reload', 1);
    await colony.run(2000);
    const before = snap(worker);
    expect(worker.kept.standing).toMatchObject({ term: before.term, votedFor: queen.id, membership: before.membership });

    const reloaded = colony.reload(worker);
    // Restored before it hears from anyone: the term it voted in, and the hive it belongs to.
    expect(snap(reloaded).term).toBe(before.term);
    expect(snap(reloaded).membership).toEqual(before.membership);
    expect(reloaded.kept.restored()).toMatchObject({ votedFor: queen.id });
    expect(reloaded.inbox.map((message) => message.body)).toEqual(['before the reload']);

    await colony.run(10_000);
    expect(snap(reloaded)).toMatchObject({ role: 'worker', queen: queen.id, term: before.term });
    expect(snap(reloaded).counters.elections).toBe(0);
    expect(colony.reign()).toEqual({ queen: queen.id });
    expect(colony.crashes).toEqual([]);
  });
});
