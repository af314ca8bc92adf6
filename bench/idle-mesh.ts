// The idle benchmark's baseline: a minimal page that uses the simple-peer package directly and
// holds a random mesh of data channels, each carrying nothing but a ping a second. Node carries the
// offers and answers (no trickle, host candidates only), as the relay benchmark does for its direct
// channel; the page is served by the benchmark itself through Playwright routing, on the app's
// origin, so it runs under the same browser flags as the app.

import { createRequire } from 'node:module';
import type { BrowserContext, Page } from '@playwright/test';
import { build } from 'vite';
import app from '../vite.config.ts';
import { pageScript } from './page-script.ts';

export const MESH_KEY = '__benchMesh';
const PAGE_PATH = '/__bench/idle-mesh.html';
const LIBRARY_PATH = '/__bench/simple-peer.js';
const PING_INTERVAL_MS = 1_000;

export interface MeshAgent {
  /** Offering side: a new peer for link `id`; resolves to its offer (ICE gathered). */
  offer(id: string): Promise<string>;
  /** Answering side: resolves to the answer. */
  answer(id: string, offer: string): Promise<string>;
  accept(id: string, answer: string): void;
  /** Resolves once link `id` is open. */
  opened(id: string): Promise<void>;
  /** Links open, and pings received over them. */
  count(): { open: number; pings: number };
}

/** A connected random graph on `size` nodes with `edges` edges (at least a spanning tree, at most complete). */
export function randomMesh(size: number, edges: number, random: () => number = Math.random): Array<[number, number]> {
  const key = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;
  const chosen = new Map<string, [number, number]>();
  for (let node = 1; node < size; node++) {
    const other = Math.floor(random() * node);
    chosen.set(key(node, other), [other, node]);
  }
  const target = Math.min(Math.max(edges, size - 1), (size * (size - 1)) / 2);
  while (chosen.size < target) {
    const a = Math.floor(random() * size);
    const b = Math.floor(random() * size);
    if (a !== b) chosen.set(key(a, b), [Math.min(a, b), Math.max(a, b)]);
  }
  return [...chosen.values()];
}

/** Runs in the page (through pageScript): only its parameters and page globals. */
function installMesh(key: typeof MESH_KEY, pingIntervalMs: number): void {
  type Peer = { on(event: string, fn: (value: unknown) => void): void; once(event: string, fn: (value: unknown) => void): void; signal(data: unknown): void; send(data: string): void; connected: boolean };
  const SimplePeer = (window as unknown as { SimplePeer: new (options: object) => Peer }).SimplePeer;
  const peers = new Map<string, Peer>();
  const open = new Map<string, Promise<void>>();
  let pings = 0;
  const status = document.getElementById('links') as HTMLElement;
  const make = (id: string, initiator: boolean): Promise<string> => {
    const peer = new SimplePeer({ initiator, trickle: false, config: { iceServers: [] } });
    peers.set(id, peer);
    peer.on('data', () => pings++);
    open.set(id, new Promise((resolve) => peer.once('connect', () => {
      status.textContent = String([...peers.values()].filter((p) => p.connected).length);
      resolve();
    })));
    return new Promise((resolve) => peer.once('signal', (data) => resolve(JSON.stringify(data))));
  };
  const agent: MeshAgent = {
    offer: (id) => make(id, true),
    answer: (id, offer) => {
      const answer = make(id, false);
      peers.get(id)!.signal(JSON.parse(offer));
      return answer;
    },
    accept: (id, answer) => peers.get(id)!.signal(JSON.parse(answer)),
    opened: (id) => open.get(id)!,
    count: () => ({ open: [...peers.values()].filter((peer) => peer.connected).length, pings }),
  };
  (window as unknown as Record<string, MeshAgent>)[key] = agent;
  setInterval(() => {
    for (const peer of peers.values()) if (peer.connected) peer.send('ping');
  }, pingIntervalMs);
}

const html = `<!doctype html><meta charset="utf-8"><title>simple-peer mesh</title>
<p>simple-peer mesh: <span id="links">0</span> links open</p>
<script src="${LIBRARY_PATH}"></script>
<script>${pageScript(installMesh, MESH_KEY, PING_INTERVAL_MS)}</script>`;

/** The simple-peer the app links with, built as the app builds it, as one script: `window.SimplePeer`. */
async function simplePeerScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: app.resolve,
    build: { write: false, lib: { entry: createRequire(import.meta.url).resolve('@thaunknown/simple-peer/lite.js'), formats: ['iife'], name: 'SimplePeer' } },
  });
  const chunk = (Array.isArray(output) ? output[0] : output) as { output: Array<{ type: string; code?: string }> };
  const code = chunk.output.find((item) => item.type === 'chunk')?.code;
  if (!code) throw new Error('bundling @thaunknown/simple-peer gave no script');
  return code;
}

/** Serves the mesh page and the simple-peer bundle on `baseURL` in this context; returns the page's URL. */
export async function serveMeshPage(context: BrowserContext, baseURL: string): Promise<string> {
  const library = await simplePeerScript();
  await context.route(new URL(LIBRARY_PATH, baseURL).href, (route) => route.fulfill({ body: library, contentType: 'text/javascript' }));
  await context.route(new URL(PAGE_PATH, baseURL).href, (route) => route.fulfill({ body: html, contentType: 'text/html' }));
  return new URL(PAGE_PATH, baseURL).href;
}

type Call<A extends unknown[], T> = (agent: MeshAgent, ...args: A) => T;
const call = <A extends unknown[], T>(page: Page, fn: Call<A, T>, ...args: A): Promise<Awaited<T>> =>
  page.evaluate(pageScript((key: string, method: Call<A, T>, ...rest: A) => method((window as unknown as Record<string, MeshAgent>)[key]!, ...rest), MESH_KEY, { fn }, ...args)) as Promise<Awaited<T>>;

/** Opens link a–b between two mesh pages, Node carrying the offer and the answer. */
export async function link(pages: readonly Page[], a: number, b: number): Promise<void> {
  const id = `${a}-${b}`;
  const offer = await call(pages[a]!, (agent, link: string) => agent.offer(link), id);
  const answer = await call(pages[b]!, (agent, link: string, sdp: string) => agent.answer(link, sdp), id, offer);
  await call(pages[a]!, (agent, link: string, sdp: string) => agent.accept(link, sdp), id, answer);
  await Promise.all([call(pages[a]!, (agent, link: string) => agent.opened(link), id), call(pages[b]!, (agent, link: string) => agent.opened(link), id)]);
}

export const meshCount = (page: Page) => call(page, (agent) => agent.count());
