// A map layout computed elsewhere (the /sim page's Web Worker runs a ForceLayout) and sent here
// as positions: the page keeps the bees and links of its latest graph and only moves them.

import type { MapGraph } from './graph';
import type { LaidLink, LaidNode, MapLayout } from './layout';

/** Positions of the bees `ids`, in order: x then y for each. */
export interface Placement {
  /** Null: the same bees as the placement before. */
  ids: readonly string[] | null;
  xy: Float32Array;
  /** The layout is still moving (more placements will follow). */
  moving: boolean;
}

export class PlacedLayout implements MapLayout {
  readonly nodes = new Map<string, LaidNode>();
  links: LaidLink[] = [];
  private latest: { ids: readonly string[]; xy: Float32Array } | null = null;
  private moving = false;
  private wake: () => void = () => {};

  update(graph: MapGraph): boolean {
    const before = new Map(this.nodes);
    this.nodes.clear();
    for (const node of graph.nodes) {
      const old = before.get(node.id);
      // A newcomer waits beside its queen (or in the middle) until its position arrives.
      const anchor = old ?? (node.hive !== null ? before.get(node.hive) : undefined);
      this.nodes.set(node.id, { ...node, x: anchor?.x ?? 0, y: anchor?.y ?? 0 });
    }
    this.links = graph.links
      .filter((link) => this.nodes.has(link.source) && this.nodes.has(link.target))
      .map((link) => ({ source: this.nodes.get(link.source) as LaidNode, target: this.nodes.get(link.target) as LaidNode, kind: link.kind }));
    if (this.latest) this.apply(this.latest);
    return true;
  }

  /** New positions arrived; the map draws them on its next frame. */
  place(placement: Placement): void {
    const ids = placement.ids ?? this.latest?.ids;
    if (!ids) return;
    this.latest = { ids, xy: placement.xy };
    this.moving = placement.moving;
    this.wake();
  }

  step(): boolean {
    if (this.latest) this.apply(this.latest);
    return this.moving;
  }

  listen(wake: () => void): void {
    this.wake = wake;
  }

  private apply({ ids, xy }: { ids: readonly string[]; xy: Float32Array }): void {
    ids.forEach((id, i) => {
      const node = this.nodes.get(id);
      if (!node) return;
      node.x = xy[2 * i] as number;
      node.y = xy[2 * i + 1] as number;
    });
  }
}
