// A colony watched over time: the latest map, the messages to animate, a timeline of changes and
// the live counters (messages per second, elections and evictions seen). The bee view, the
// projector and the simulator page each feed one; it only remembers a bounded recent past.

import { changeIcon, colonyChanges, describeChange } from './map/changes';
import { EMPTY_GRAPH, type Flight, type MapGraph } from './map/graph';

const TIMELINE_LIMIT = 60;
const FLIGHT_LIMIT = 80;
/** Messages per second are averaged over this window. */
const RATE_WINDOW_MS = 5000;

export interface TimelineEntry {
  id: number;
  /** Wall-clock ms (Date.now()) or virtual ms in the simulator. */
  at: number;
  text: string;
  /** The role icon the line starts with, if any. */
  icon?: 'queen' | 'candidate' | 'evicted' | 'worker' | null;
}

export class ColonyFeed {
  graph: MapGraph = EMPTY_GRAPH;
  timeline: TimelineEntry[] = [];
  flights: Flight[] = [];
  elections = 0;
  evictions = 0;
  private nextEntry = 1;
  private messageTimes: number[] = [];

  /** Takes the colony's latest picture; returns whether it differs from the one before. */
  update(graph: MapGraph, at: number): boolean {
    if (sameGraph(this.graph, graph)) return false;
    const byHive = graph.byHive === true;
    if (this.graph !== EMPTY_GRAPH && byHive !== (this.graph.byHive === true)) {
      // Bees turned into hives (or back) is a new way of drawing, not bees leaving or joining.
      this.note(at, byHive ? 'The colony outgrew the map: it now shows hives, not bees' : 'The map shows bees again');
    } else if (this.graph !== EMPTY_GRAPH) {
      for (const change of colonyChanges(this.graph, graph)) {
        // Drawn by hive, only queens are nodes: bees joining and leaving are counts, not news.
        if (byHive && change.kind !== 'hatched' && change.kind !== 'dethroned') continue;
        if (change.kind === 'hatched') this.elections++;
        if (change.kind === 'evicted') this.evictions++;
        this.note(at, describeChange(change), changeIcon(change));
      }
    }
    this.graph = graph;
    return true;
  }

  note(at: number, text: string, icon: TimelineEntry['icon'] = null): void {
    this.timeline = [{ id: this.nextEntry++, at, text, icon }, ...this.timeline].slice(0, TIMELINE_LIMIT);
  }

  /** A message seen moving (`now` in performance.now() ms, or the simulator's clock). */
  fly(id: string, route: string[], kind: Flight['kind'], now: number): void {
    if (this.flights.some((flight) => flight.id === id)) return;
    this.flights = [...this.flights, { id, route, kind, at: now }].slice(-FLIGHT_LIMIT);
    this.messageTimes.push(now);
  }

  messagesPerSecond(now: number): number {
    this.messageTimes = this.messageTimes.filter((at) => now - at < RATE_WINDOW_MS);
    return this.messageTimes.length / (RATE_WINDOW_MS / 1000);
  }
}

/** Same bees with the same roles, hives and links, in the same order. */
export function sameGraph(a: MapGraph, b: MapGraph): boolean {
  if (a.nodes.length !== b.nodes.length || a.links.length !== b.links.length || a.byHive !== b.byHive) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const [x, y] = [a.nodes[i], b.nodes[i]];
    if (!x || !y || x.id !== y.id || x.role !== y.role || x.hive !== y.hive || x.self !== y.self || x.bees !== y.bees) return false;
  }
  for (let i = 0; i < a.links.length; i++) {
    const [x, y] = [a.links[i], b.links[i]];
    if (!x || !y || x.source !== y.source || x.target !== y.target || x.kind !== y.kind) return false;
  }
  return true;
}
