// The lesson the projector walks a class through: the seed's story, one stage at a time, each
// with what to watch for and the one thing the teacher's button does (docs/classroom.md).

import type { Bee } from '../../bee';

export interface Stage {
  title: string;
  /** One line for the class: what to watch for. */
  caption: string;
  /** The button's label, and what it does (resolves to what the timeline says happened). */
  action: string;
  run(bee: Bee, colony: { queens: string[]; workers: string[] }): Promise<string>;
}

const pick = (bees: string[]): string | undefined => bees[Math.floor(Math.random() * bees.length)];

export const STAGES: readonly Stage[] = [
  {
    title: 'Discovery',
    caption: 'No queens yet: each bee links a few neighbours, and news moves hop by hop, slowly.',
    action: 'Queens off',
    run: async (bee) => `queens off (version ${await bee.seedSettings({ queens: false, capacity: 8 })})`,
  },
  {
    title: 'A queen is elected',
    caption: 'Royal jelly: one egg campaigns, the others vote, and a queen hatches.',
    action: 'Queens on',
    run: async (bee) => `queens on (version ${await bee.seedSettings({ queens: true })})`,
  },
  {
    title: 'Routing through her',
    caption: 'Every message now goes worker → queen → worker: watch the dots fly through her.',
    action: 'Send a message to everyone',
    run: async (bee) => {
      await bee.broadcast('hello from the teacher');
      return 'a broadcast flew through the queens';
    },
  },
  {
    title: 'An upgrade spreads',
    caption: 'A new colony config spreads both ways: up to the queen, then out to every worker.',
    action: 'Seed an upgrade',
    run: async (bee) => `upgrade version ${await bee.seedUpgrade()} seeded`,
  },
  {
    title: 'The queen is killed',
    caption: 'Her workers miss her heartbeat, feed royal jelly to a random egg, and a new queen hatches.',
    action: 'Kill the queen',
    run: async (bee, { queens }) => {
      const queen = pick(queens);
      if (!queen) return 'no queen to kill yet';
      await bee.order('kill', queen);
      return 'the queen was killed';
    },
  },
  {
    title: 'Overcrowding splits the hive',
    caption: 'Room for 3 workers only: an overcrowded queen breeds a new queen and hands her half.',
    action: 'Capacity 3',
    run: async (bee) => `capacity 3 (version ${await bee.seedSettings({ capacity: 3 })})`,
  },
  {
    title: 'A rogue worker is destroyed',
    caption: 'One worker starts forging and flooding: its queen evicts it, and nobody takes it back.',
    action: 'Make a worker rogue',
    run: async (bee, { workers }) => {
      const worker = pick(workers);
      if (!worker) return 'no worker to turn rogue yet';
      await bee.order('rogue', worker);
      return 'a worker went rogue';
    },
  },
];
