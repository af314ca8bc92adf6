// What changed between two pictures of the colony, in the colony's words: a queen hatched or
// fell, bees came, went or emigrated to another hive. The map animates these; timelines list them.

import { beeName } from '../names';
import type { MapGraph, MapNode } from './graph';

export type ColonyChange =
  | { kind: 'hatched'; bee: string }
  | { kind: 'dethroned'; bee: string }
  | { kind: 'candidates'; bees: string[] }
  | { kind: 'evicted'; bee: string }
  | { kind: 'joined'; bees: string[] }
  | { kind: 'left'; bees: string[] }
  | { kind: 'moved'; bee: string; from: string; to: string };

export function colonyChanges(before: MapGraph, after: MapGraph): ColonyChange[] {
  const old = new Map(before.nodes.map((node) => [node.id, node]));
  const now = new Map(after.nodes.map((node) => [node.id, node]));
  const changes: ColonyChange[] = [];
  const joined: string[] = [];
  const candidates: string[] = [];
  for (const node of after.nodes) {
    const was: MapNode | undefined = old.get(node.id);
    if (!was) joined.push(node.id);
    if (node.role !== was?.role) {
      if (node.role === 'queen') changes.push({ kind: 'hatched', bee: node.id });
      else if (node.role === 'candidate') candidates.push(node.id);
      else if (node.role === 'evicted') changes.push({ kind: 'evicted', bee: node.id });
      if (was?.role === 'queen') changes.push({ kind: 'dethroned', bee: node.id });
    }
    if (was && was.hive !== null && node.hive !== null && was.hive !== node.hive && node.role !== 'queen') {
      changes.push({ kind: 'moved', bee: node.id, from: was.hive, to: node.hive });
    }
  }
  const left = before.nodes.filter((node) => !now.has(node.id)).map((node) => node.id);
  for (const bee of left) if (old.get(bee)?.role === 'queen') changes.push({ kind: 'dethroned', bee });
  if (candidates.length > 0) changes.push({ kind: 'candidates', bees: candidates });
  if (joined.length > 0) changes.push({ kind: 'joined', bees: joined });
  if (left.length > 0) changes.push({ kind: 'left', bees: left });
  return changes;
}

const bees = (list: string[]): string => (list.length <= 3 ? list.map(beeName).join(', ') : `${list.length} bees`);

/** One line for a timeline, naming bees as people say them. */
export function describeChange(change: ColonyChange): string {
  switch (change.kind) {
    case 'hatched': return `${beeName(change.bee)} hatched as a queen`;
    case 'dethroned': return `${beeName(change.bee)} is no longer a queen`;
    case 'candidates': return `${bees(change.bees)} ate royal jelly: ${change.bees.length === 1 ? 'a candidate' : 'candidates'}`;
    case 'evicted': return `${beeName(change.bee)} was evicted`;
    case 'joined': return `${bees(change.bees)} joined`;
    case 'left': return `${bees(change.bees)} left`;
    case 'moved': return `${beeName(change.bee)} emigrated from ${beeName(change.from)}'s hive to ${beeName(change.to)}'s`;
  }
}

/** The role icon a timeline line carries, if any. */
export function changeIcon(change: ColonyChange): 'queen' | 'candidate' | 'evicted' | 'worker' | null {
  switch (change.kind) {
    case 'hatched': return 'queen';
    case 'candidates': return 'candidate';
    case 'evicted': return 'evicted';
    case 'moved': return 'worker';
    default: return null;
  }
}
