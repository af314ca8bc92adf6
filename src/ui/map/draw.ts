// Paints a laid-out hive map on a canvas: links batched by kind, bees by role and hive, then
// hatching rings and messages in flight. Pure drawing; the component owns the loop.

import { FLIGHT_COLOURS, hiveColour, LINK_KINDS, LINK_STYLES, ROLE_STYLES } from '../roles';
import { flightPosition, type Point } from './flights';
import type { Flight } from './graph';
import type { ForceLayout, LaidNode } from './layout';

/** How long a new queen's ring and an emigrant's pulse show. */
export const EFFECT_MS = 2500;
/** A small colony is spread over the map rather than drawn as a dot in its middle. */
const MAX_SCALE = 4;
/** Up to this many bees get their icon and a label. */
const DETAIL_LIMIT = 40;

export interface Viewport {
  width: number;
  height: number;
  scale: number;
  /** Screen position of layout (0, 0). */
  cx: number;
  cy: number;
}

export interface Effect {
  bee: string;
  kind: 'hatched' | 'moved';
  at: number;
}

/** The viewport that fits every bee with a margin, eased from the previous one. */
export function fitViewport(layout: ForceLayout, width: number, height: number, previous: Viewport | null, margin: number): Viewport {
  let [minX, minY, maxX, maxY] = [-60, -60, 60, 60];
  for (const node of layout.nodes.values()) {
    minX = Math.min(minX, node.x);
    maxX = Math.max(maxX, node.x);
    minY = Math.min(minY, node.y);
    maxY = Math.max(maxY, node.y);
  }
  const scale = Math.min(MAX_SCALE, (width - 2 * margin) / (maxX - minX), (height - 2 * margin) / (maxY - minY));
  const target = { width, height, scale: Math.max(0.05, scale), cx: width / 2 - ((minX + maxX) / 2) * scale, cy: height / 2 - ((minY + maxY) / 2) * scale };
  if (!previous || previous.width !== width || previous.height !== height) return target;
  const ease = (a: number, b: number) => a + (b - a) * 0.15;
  return { width, height, scale: ease(previous.scale, target.scale), cx: ease(previous.cx, target.cx), cy: ease(previous.cy, target.cy) };
}

export function drawMap(ctx: CanvasRenderingContext2D, layout: ForceLayout, view: Viewport, flights: readonly Flight[], effects: readonly Effect[], now: number, big: boolean): void {
  const toScreen = (node: { x: number; y: number }): Point => ({ x: view.cx + node.x * view.scale, y: view.cy + node.y * view.scale });
  const count = layout.nodes.size;
  const detailed = count <= DETAIL_LIMIT;
  const unit = (big ? 1.6 : 1) * (detailed ? 1 : count > 200 ? 0.55 : 0.75);
  ctx.clearRect(0, 0, view.width, view.height);

  for (const kind of LINK_KINDS) {
    const style = LINK_STYLES[kind];
    ctx.beginPath();
    for (const link of layout.links) {
      if (link.kind !== kind) continue;
      const a = toScreen(link.source);
      const b = toScreen(link.target);
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
    }
    ctx.setLineDash(style.dash);
    ctx.lineWidth = style.width * unit;
    ctx.strokeStyle = style.colour;
    ctx.stroke();
  }
  ctx.setLineDash([]);

  for (const effect of effects) {
    const node = layout.nodes.get(effect.bee);
    if (!node) continue;
    const age = (now - effect.at) / EFFECT_MS;
    const p = toScreen(node);
    ctx.beginPath();
    ctx.arc(p.x, p.y, (12 + 40 * age) * unit, 0, 2 * Math.PI);
    ctx.strokeStyle = effect.kind === 'hatched' ? ROLE_STYLES.queen.fill : hiveColour(node.hive);
    ctx.globalAlpha = Math.max(0, 1 - age);
    ctx.lineWidth = 3 * unit;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const node of layout.nodes.values()) drawBee(ctx, node, toScreen(node), unit, detailed);

  for (const flight of flights) {
    const at = flightPosition(flight, now, (bee) => {
      const node = layout.nodes.get(bee);
      return node ? toScreen(node) : undefined;
    });
    if (!at) continue;
    const colour = FLIGHT_COLOURS[flight.kind];
    ctx.beginPath();
    at.trail.forEach((point, i) => (i === 0 ? ctx.moveTo(point.x, point.y) : ctx.lineTo(point.x, point.y)));
    ctx.lineTo(at.dot.x, at.dot.y);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2.5 * unit;
    ctx.globalAlpha = 0.6;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.arc(at.dot.x, at.dot.y, 6 * unit, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.fill();
  }
}

function drawBee(ctx: CanvasRenderingContext2D, node: LaidNode, p: Point, unit: number, detailed: boolean): void {
  const style = ROLE_STYLES[node.role];
  // A queen stays big enough to find in a crowd of hundreds.
  const radius = node.role === 'queen' ? 13 * Math.max(unit, 1) : 8 * unit;
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = style.fill;
  ctx.fill();
  ctx.lineWidth = 2.5 * unit;
  ctx.strokeStyle = hiveColour(node.hive);
  ctx.stroke();
  if (node.self) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius + 5 * unit, 0, 2 * Math.PI);
    ctx.lineWidth = 2 * unit;
    ctx.strokeStyle = '#2b2118';
    ctx.stroke();
  }
  if (detailed || node.role === 'queen') {
    ctx.font = `${Math.round(radius * 1.2)}px system-ui, sans-serif`;
    ctx.fillText(style.icon, p.x, p.y + 1);
  }
  if (detailed) {
    ctx.font = `${Math.round(11 * unit)}px system-ui, sans-serif`;
    ctx.fillStyle = '#2b2118';
    ctx.fillText(node.self ? 'you' : node.id.slice(0, 4), p.x, p.y + radius + 9 * unit);
  }
}
