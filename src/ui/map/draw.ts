// Paints a laid-out hive map on a canvas: links batched by kind, bees by role and hive, then
// hatching rings and messages in flight. Pure drawing; the component owns the loop.

import { HivePalette } from '../hives';
import { ICON_PATHS } from '../icons';
import { beeLabel } from '../names';
import { FLIGHT_COLOURS, LINK_KINDS, LINK_STYLES, ROLE_STYLES, type MapRole } from '../roles';
import { hiveRadius } from './aggregate';
import { flightPosition, type Point } from './flights';
import type { Flight } from './graph';
import type { LaidNode, MapLayout } from './layout';

/** How long a new queen's ring and an emigrant's pulse show. */
export const EFFECT_MS = 2500;
/** A small colony is spread over the map rather than drawn as a dot in its middle. */
const MAX_SCALE = 4;
/** Up to this many bees get their icon and a label (a classroom of 30–60 is named on the map). */
const DETAIL_LIMIT = 60;
/** Label size in CSS px: on the projector (big) it is read from the back of the room. */
const LABEL_PX = { small: 11, big: 20 } as const;

/** The role icons as canvas paths, made once (the same path data as the page's SVG icons). */
let iconPaths: Map<MapRole, Path2D> | null = null;
function iconPath(role: MapRole): Path2D {
  iconPaths ??= new Map(Object.entries(ICON_PATHS).map(([name, d]) => [name as MapRole, new Path2D(d)]));
  return iconPaths.get(role) as Path2D;
}

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

/** Share of the way to the fitting viewport the map moves per 60 Hz frame. */
const EASE_PER_FRAME = 0.15;

/**
 * The viewport that fits every bee with a margin, eased from the previous one over `frames`
 * 60 Hz frames (a late frame moves further: the map settles by the clock, not by the frame).
 */
export function fitViewport(layout: MapLayout, width: number, height: number, previous: Viewport | null, margin: number, frames = 1): Viewport {
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
  const share = 1 - (1 - EASE_PER_FRAME) ** Math.max(1, frames);
  const ease = (a: number, b: number) => a + (b - a) * share;
  return { width, height, scale: ease(previous.scale, target.scale), cx: ease(previous.cx, target.cx), cy: ease(previous.cy, target.cy) };
}

export function drawMap(ctx: CanvasRenderingContext2D, layout: MapLayout, view: Viewport, flights: readonly Flight[], effects: readonly Effect[], now: number, big: boolean): void {
  const toScreen = (node: { x: number; y: number }): Point => ({ x: view.cx + node.x * view.scale, y: view.cy + node.y * view.scale });
  const count = layout.nodes.size;
  const detailed = count <= DETAIL_LIMIT;
  const unit = (big ? 1.6 : 1) * (count <= 40 ? 1 : count > 200 ? 0.55 : 0.75);
  const palette = new HivePalette([...layout.nodes.values()].filter((node) => node.role === 'queen').map((node) => node.id));
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
    ctx.strokeStyle = effect.kind === 'hatched' ? ROLE_STYLES.queen.fill : palette.of(node.hive).colour;
    ctx.globalAlpha = Math.max(0, 1 - age);
    ctx.lineWidth = 3 * unit;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const node of layout.nodes.values()) drawBee(ctx, node, toScreen(node), unit, palette);
  if (detailed) for (const node of layout.nodes.values()) drawLabel(ctx, node, toScreen(node), unit, big, palette);

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

function beeRadius(node: LaidNode, unit: number): number {
  // A hive drawn as one grows with its bees (by area), within reason.
  if (node.bees !== undefined) return hiveRadius(node.bees) * Math.max(unit, 0.75);
  // A queen stays big enough to find in a crowd of hundreds.
  return node.role === 'queen' ? 13 * Math.max(unit, 1) : 8 * unit;
}

function drawBee(ctx: CanvasRenderingContext2D, node: LaidNode, p: Point, unit: number, palette: HivePalette): void {
  const style = ROLE_STYLES[node.role];
  const radius = beeRadius(node, unit);
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = style.fill;
  ctx.fill();
  ctx.lineWidth = 2.5 * unit;
  ctx.strokeStyle = palette.of(node.hive).colour;
  ctx.stroke();
  if (node.self) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius + 5 * unit, 0, 2 * Math.PI);
    ctx.lineWidth = 2 * unit;
    ctx.strokeStyle = '#2b2118';
    ctx.stroke();
  }
  // The icon fills the middle of the disc, leaving a ring of the role's fill around it.
  const size = radius * 1.2;
  ctx.save();
  ctx.translate(p.x - size / 2, p.y - size / 2);
  ctx.scale(size / 24, size / 24);
  ctx.fillStyle = style.ink;
  ctx.fill(iconPath(node.role), 'evenodd');
  ctx.restore();
}

/** A hive drawn as one: its queen and letter and how many workers; the bees in no hive, counted. */
function hiveLabel(node: LaidNode, letter: string): string {
  const bees = node.bees ?? 1;
  if (node.role !== 'queen') return `${bees} in no hive`;
  return `${beeLabel(node.id)} (${letter}) · ${bees - 1} worker${bees === 2 ? '' : 's'}`;
}

/** The bee's short name under it (a queen's with her hive's letter), on a halo that keeps it legible over links. */
function drawLabel(ctx: CanvasRenderingContext2D, node: LaidNode, p: Point, unit: number, big: boolean, palette: HivePalette): void {
  const px = big ? LABEL_PX.big : LABEL_PX.small * unit;
  const letter = node.role === 'queen' ? palette.of(node.id).letter : '';
  const text = node.bees === undefined ? `${node.self ? 'you' : beeLabel(node.id)}${letter ? ` (${letter})` : ''}` : hiveLabel(node, letter);
  const y = p.y + beeRadius(node, unit) + px * 0.8;
  ctx.font = `${node.role === 'queen' ? 700 : 400} ${Math.round(px)}px system-ui, sans-serif`;
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(3, px / 4);
  ctx.strokeStyle = '#ffffff';
  ctx.strokeText(text, p.x, y);
  ctx.fillStyle = '#2b2118';
  ctx.fillText(text, p.x, y);
}
