// One palette for roles, hives and link kinds: the badge, the hive map, its legend and the
// projector all read it, so a queen looks like a queen everywhere.

import type { Role } from '../hive/protocol';

/** A bee on a map whose role this bee has not been told (another hive's worker, say). */
export type MapRole = Role | 'unknown';

export interface RoleStyle {
  label: string;
  /** Badge background and map node fill. */
  fill: string;
  /** Text on `fill` (contrast ≥ 4.5:1). */
  ink: string;
}

export const ROLE_STYLES: Record<MapRole, RoleStyle> = {
  egg: { label: 'egg', fill: '#e9dcc8', ink: '#2b2118' },
  worker: { label: 'worker', fill: '#f5c542', ink: '#2b2118' },
  candidate: { label: 'candidate', fill: '#f29e4c', ink: '#2b2118' },
  queen: { label: 'queen', fill: '#7b3fa0', ink: '#ffffff' },
  evicted: { label: 'evicted', fill: '#9b1c1c', ink: '#ffffff' },
  observer: { label: 'observer', fill: '#3b5b7a', ink: '#ffffff' },
  unknown: { label: 'bee', fill: '#b8a894', ink: '#2b2118' },
};

export const MAP_ROLES = Object.keys(ROLE_STYLES) as MapRole[];

export type LinkKind = 'hive' | 'court' | 'neighbour';

/** Drawn in this order: faint neighbour links under hive links under the court. */
export const LINK_KINDS: LinkKind[] = ['neighbour', 'hive', 'court'];

export const LINK_STYLES: Record<LinkKind, { label: string; colour: string; width: number; dash: number[] }> = {
  hive: { label: 'worker → its queen', colour: '#c8961e', width: 1.5, dash: [] },
  court: { label: 'court (queen ↔ queen)', colour: '#7b3fa0', width: 3, dash: [] },
  neighbour: { label: 'neighbour link', colour: '#a89880', width: 1, dash: [3, 3] },
};

/** Message dots on the map: data arriving here, and data this bee relays onward. */
export const FLIGHT_COLOURS = { message: '#d14d0f', relay: '#1f6fb2' } as const;
