import { describe, expect, it } from 'vitest';
import type { MapGraph } from './graph';
import { PlacedLayout } from './placed-layout';

const graph: MapGraph = {
  nodes: [
    { id: 'q', role: 'queen', hive: 'q' },
    { id: 'w', role: 'worker', hive: 'q' },
  ],
  links: [{ source: 'w', target: 'q', kind: 'hive' }],
};

describe('a map laid out elsewhere', () => {
  it('puts the bees where the positions say, with links between the placed bees', () => {
    const layout = new PlacedLayout();
    let woken = 0;
    layout.listen(() => woken++);
    layout.update(graph);
    layout.place({ ids: ['q', 'w'], xy: new Float32Array([10, 20, 30, 40]), moving: true });
    expect(woken).toBe(1);
    expect(layout.step()).toBe(true);
    expect(layout.nodes.get('w')).toMatchObject({ x: 30, y: 40 });
    expect(layout.links[0]!.target).toBe(layout.nodes.get('q'));
    layout.place({ ids: null, xy: new Float32Array([10, 20, 31, 41]), moving: false });
    expect(layout.step()).toBe(false);
    // ids null: the same bees as before.
    expect(layout.nodes.get('w')).toMatchObject({ x: 31, y: 41 });
  });

  it('starts a newcomer beside its queen until its own position arrives, and ignores bees it does not show', () => {
    const layout = new PlacedLayout();
    layout.update(graph);
    layout.place({ ids: ['q', 'w', 'gone'], xy: new Float32Array([10, 20, 30, 40, 50, 60]), moving: false });
    layout.step();
    layout.update({ nodes: [...graph.nodes, { id: 'n', role: 'worker', hive: 'q' }], links: graph.links });
    expect(layout.nodes.get('n')).toMatchObject({ x: 10, y: 20 });
    expect(layout.nodes.has('gone')).toBe(false);
    expect(layout.nodes.get('w')).toMatchObject({ x: 30, y: 40 });
  });
});
