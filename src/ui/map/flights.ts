// Where a message is on its route at a given moment: it takes HOP_MS per hop, then it is gone.

import type { Flight } from './graph';

export const HOP_MS = 650;

export interface Point {
  x: number;
  y: number;
}

export const flightDurationMs = (flight: Flight): number => Math.max(1, flight.route.length - 1) * HOP_MS;

export const isFlying = (flight: Flight, now: number): boolean => now >= flight.at && now - flight.at < flightDurationMs(flight);

/**
 * The points of the route this map can place (bees it does not show are skipped), the dot's
 * position and how far along it is; null when nothing of the route can be placed.
 */
export function flightPosition(flight: Flight, now: number, place: (bee: string) => Point | undefined): { trail: Point[]; dot: Point } | null {
  const points = flight.route.map(place).filter((point): point is Point => point !== undefined);
  if (points.length === 0) return null;
  if (points.length === 1) return { trail: points, dot: points[0] as Point };
  const progress = Math.min(1, Math.max(0, (now - flight.at) / flightDurationMs(flight))) * (points.length - 1);
  const hop = Math.min(points.length - 2, Math.floor(progress));
  const from = points[hop] as Point;
  const to = points[hop + 1] as Point;
  const t = progress - hop;
  return { trail: [...points.slice(0, hop + 1)], dot: { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t } };
}
