// Entry of the /sim page (loaded on demand, so bee tabs never download it). `?bees=N` (2–10,000,
// default 100), `?seed=N` and `?capacity=N` (workers per queen, 1–64, default the protocol's 8)
// choose the colony; the simulator itself runs in a Web Worker (sim-worker.ts).

import { mount } from 'svelte';
import { MAX_HIVE_WORKERS } from '../../hive/frames';
import { DEFAULT_CONFIG } from '../../hive/protocol';
import { MAX_BEES, MIN_BEES } from './sim-protocol';
import SimPage from './SimPage.svelte';
import { SimView, simWorker } from './sim-view.svelte';

const DEFAULT_BEES = 100;

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const value = Number(url.searchParams.get(name) ?? fallback);
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

export function mountSim(target: HTMLElement, url: URL): void {
  document.title = 'Hivemesh simulator';
  const bees = intParam(url, 'bees', DEFAULT_BEES, MIN_BEES, MAX_BEES);
  const seed = intParam(url, 'seed', 1, 0, 2 ** 31 - 1);
  const capacity = intParam(url, 'capacity', DEFAULT_CONFIG.capacity, 1, MAX_HIVE_WORKERS);
  mount(SimPage, { target, props: { view: new SimView(simWorker(), { seed, bees, capacity }), seed } });
}
