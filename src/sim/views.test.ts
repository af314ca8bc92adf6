// The cheap views a tab reads on every tick instead of a whole snapshot show what the snapshot shows.
import { describe, expect, it } from 'vitest';
import { MemoryColony } from './memory-colony';

describe('the roster view', () => {
  it('shows the same roster and queen as a snapshot, on every bee of a settled colony', async () => {
    const colony = new MemoryColony({ seed: 17 });
    const bees = Array.from({ length: 4 }, () => colony.addBee());
    await colony.run(15_000);
    for (const bee of bees) {
      const { roster, queen } = bee.protocol.snapshot();
      expect(roster.length).toBe(bees.length);
      expect(bee.protocol.rosterView()).toEqual({ roster, queen });
      expect(bee.protocol.linkCount()).toBe(bee.protocol.snapshot().neighbours.length);
    }
  }, 60_000);
});
