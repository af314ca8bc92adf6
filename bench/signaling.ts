// The signaling benchmark: how fast the real server (signaling/) admits 1,000 bees over WebSockets
// on loopback, how fast it relays their signals, and what it holds in memory with them joined;
// against a bare ws server (signaling-child.ts 'bare') driven by the same load. The server runs in
// a child process, so its memory is its own and the load generator here gets the other core.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createIdentity } from '../src/crypto/identity.ts';
import { proveJoin } from '../src/net/join-proof.ts';
import { SIGNAL_PATH } from '../src/net/signal-protocol.ts';
import type { BenchResult, Figure } from './figures.ts';
import { formatNumber, spread, timingFigure } from './figures.ts';
import type { ChildReply, ServerKind, Usage } from './signaling-child.ts';
import { measureTwoInstances, sharedDetails, sharedFigures } from './signaling-shared.ts';

const CHILD = fileURLToPath(new URL('./signaling-child.ts', import.meta.url));
export const DEFAULT_SIGNAL_BEES = 1_000;
/** Classroom-sized colonies (the server allows 500 per colony). */
const COLONY_SIZE = 100;
/** Joins in flight at once: a burst, as when a whole school opens the page, but not 1,000 SYNs at once. */
const CONCURRENCY = 100;
/** Loopback addresses the bees connect from (each stays within the per-address socket limits). */
const CLIENT_ADDRESSES = 50;
/** Signals each bee sends to random members of its colony once all have joined (within the 40/s limit). */
const SIGNALS_PER_BEE = 5;
/** A signal the size of a small SDP offer. */
const SIGNAL_DATA = { sdp: 'v=0 '.padEnd(1_500, 'x') };
const STEP_TIMEOUT_MS = 60_000;
const BYTES_PER_MIB = 2 ** 20;

export interface ServerRun {
  kind: ServerKind;
  bees: number;
  joinWallMs: number;
  joinsPerS: number;
  joinLatencyMs: number[];
  signals: number;
  signalWallMs: number;
  signalsPerS: number;
  idle: Usage;
  loaded: Usage;
  /** Server CPU time per join, and per relayed signal. */
  cpuPerJoinMicros: number;
  cpuPerSignalMicros: number;
  /** Anything the server refused, by error code. */
  errors: Record<string, number>;
}

/** What one measured server run took, as the figures read it: rates and CPU per join and per signal. */
export interface RunTimings {
  joinWallMs: number;
  latencies: number[];
  signals: number;
  signalWallMs: number;
  /** Server usage before the joins, after them, and after the signals. */
  idle: Usage;
  loaded: Usage;
  after: Usage;
}

export function serverRun(kind: ServerKind, bees: number, timings: RunTimings, errors: Record<string, number>): ServerRun {
  const { joinWallMs, latencies, signals, signalWallMs, idle, loaded, after } = timings;
  return {
    kind,
    bees,
    joinWallMs,
    joinsPerS: (bees * 1000) / joinWallMs,
    joinLatencyMs: latencies,
    signals,
    signalWallMs,
    signalsPerS: (signals * 1000) / signalWallMs,
    idle,
    loaded,
    cpuPerJoinMicros: (loaded.cpuMicros - idle.cpuMicros) / bees,
    cpuPerSignalMicros: (after.cpuMicros - loaded.cpuMicros) / signals,
    errors,
  };
}

function within<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class ServerChild {
  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
  ) {}

  /** `redisUrl` for kind 'shared'. */
  static async start(kind: ServerKind, redisUrl?: string): Promise<ServerChild> {
    const child = fork(CHILD, redisUrl ? [kind, redisUrl] : [kind], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await within(
      new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code}) before listening`)));
        child.on('message', (reply: ChildReply) => reply.type === 'listening' && resolve(reply.port));
      }),
      `starting the ${kind} server`,
    );
    return new ServerChild(child, port);
  }

  usage(): Promise<Usage> {
    return this.ask('usage').then(({ type: _, ...usage }) => usage);
  }

  /** The real server's stats and how many internal errors it logged. */
  stats(): Promise<Extract<ChildReply, { type: 'stats' }>> {
    return this.ask('stats');
  }

  private ask<T extends 'usage' | 'stats'>(type: T): Promise<Extract<ChildReply, { type: T }>> {
    return within(
      new Promise((resolve) => {
        const onReply = (reply: ChildReply) => {
          if (reply.type !== type) return;
          this.process.off('message', onReply);
          resolve(reply as Extract<ChildReply, { type: T }>);
        };
        this.process.on('message', onReply);
        this.process.send({ type });
      }),
      `reading server ${type}`,
    );
  }

  stop(): void {
    this.process.kill('SIGKILL');
  }
}

export interface Client {
  socket: WebSocket;
  id: string;
  colony: string;
  /** Which of the servers it joined (index into the ports). */
  server: number;
  /** Signals received, counted as they arrive. */
  signals: number;
}

/**
 * The loopback address bee `n` connects from. The server limits new sockets per address (a
 * classroom's worth at once, then 20 a second); a thousand bees come from many machines.
 */
const clientAddress = (n: number): string => `127.0.0.${2 + (n % CLIENT_ADDRESSES)}`;

/**
 * Opens a socket, answers the server's challenge with a signed join, and resolves at the welcome;
 * errors count by code. The latency includes signing the join, as a tab's does.
 */
function joinOne(ports: readonly number[], n: number, errors: Record<string, number>, onSignal: () => void): Promise<{ client: Client; latencyMs: number }> {
  const identity = createIdentity();
  const started = performance.now();
  // Several servers: bee n joins server n mod count, so every colony spans them all.
  const socket = new WebSocket(`ws://127.0.0.1:${ports[n % ports.length]}${SIGNAL_PATH}`, { localAddress: clientAddress(n) });
  const client: Client = { socket, id: identity.id, colony: `bench-${Math.floor(n / COLONY_SIZE)}`, server: n % ports.length, signals: 0 };
  const join = (nonce: string) => JSON.stringify({ type: 'join', colony: client.colony, bee: client.id, ...proveJoin(identity, client.colony, nonce) });
  return new Promise((resolve, reject) => {
    client.socket.once('error', reject);
    client.socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; code?: string; nonce?: string; peers?: unknown };
      if (frame.type === 'challenge') client.socket.send(join(frame.nonce!));
      else if (frame.type === 'welcome') resolve({ client, latencyMs: performance.now() - started });
      else if (frame.type === 'signal') {
        client.signals++;
        onSignal();
      } else if (frame.type === 'error') errors[frame.code ?? '?'] = (errors[frame.code ?? '?'] ?? 0) + 1;
    });
  });
}

export async function joinAll(ports: readonly number[], bees: number, errors: Record<string, number>, onSignal: () => void): Promise<{ clients: Client[]; latencies: number[] }> {
  const clients: Client[] = [];
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < bees) {
      const { client, latencyMs } = await joinOne(ports, next++, errors, onSignal);
      clients.push(client);
      latencies.push(latencyMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, bees) }, worker));
  return { clients, latencies };
}

/** Every bee sends SIGNALS_PER_BEE signals to others of its colony; resolves when all arrived. */
export async function signalAll(clients: readonly Client[], kind: ServerKind, received: { count: number; wake: () => void }): Promise<number> {
  const byColony = new Map<string, Client[]>();
  for (const client of clients) byColony.set(client.colony, [...(byColony.get(client.colony) ?? []), client]);
  let sent = 0;
  let seed = 1;
  const nextIndex = (n: number) => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % n;
  };
  for (const client of clients) {
    const members = byColony.get(client.colony) ?? [];
    for (let i = 0; i < SIGNALS_PER_BEE; i++) {
      let peer = members[nextIndex(members.length)]!;
      if (peer === client && members.length > 1) peer = members[(members.indexOf(peer) + 1) % members.length]!;
      // The bare server echoes a frame back to its sender, as a signal from itself.
      const frame = kind === 'bare' ? { type: 'signal', from: client.id, data: SIGNAL_DATA } : { type: 'signal', to: peer.id, data: SIGNAL_DATA };
      client.socket.send(JSON.stringify(frame));
      sent++;
    }
  }
  await within(
    new Promise<void>((resolve) => {
      received.wake = () => received.count >= sent && resolve();
      received.wake();
    }),
    `${sent} signals relayed`,
  );
  return sent;
}

async function measureServer(kind: ServerKind, bees: number): Promise<ServerRun> {
  const server = await ServerChild.start(kind);
  const errors: Record<string, number> = {};
  const received = { count: 0, wake: () => {} };
  try {
    const idle = await server.usage();
    const joinStart = performance.now();
    const { clients, latencies } = await joinAll([server.port], bees, errors, () => {
      received.count++;
      received.wake();
    });
    const joinWallMs = performance.now() - joinStart;
    const loaded = await server.usage();
    const signalStart = performance.now();
    const signals = await signalAll(clients, kind, received);
    const signalWallMs = performance.now() - signalStart;
    const after = await server.usage();
    for (const client of clients) client.socket.terminate();
    return serverRun(kind, bees, { joinWallMs, latencies, signals, signalWallMs, idle, loaded, after }, errors);
  } finally {
    server.stop();
  }
}

const mib = (bytes: number) => bytes / BYTES_PER_MIB;

function figures(hive: ServerRun, bare: ServerRun): Figure[] {
  const perBeeKiB = (run: ServerRun, key: 'rssBytes' | 'heapUsedBytes') => (run.loaded[key] - run.idle[key]) / run.bees / 1024;
  const n = hive.bees;
  return [
    {
      label: `${n} bees: joins per s (connect, join, welcome)`,
      unit: 'joins/s',
      value: hive.joinsPerS,
      detail: `${CONCURRENCY} in flight`,
      baseline: { label: 'bare ws server', value: bare.joinsPerS },
    },
    {
      label: `${n} bees: server CPU per join`,
      unit: 'µs',
      value: hive.cpuPerJoinMicros,
      detail: 'user + system, whole process',
      baseline: { label: 'bare ws server', value: bare.cpuPerJoinMicros },
    },
    timingFigure(`${n} bees: join latency`, hive.joinLatencyMs, { label: 'bare ws server p50', value: spread(bare.joinLatencyMs).p50 }),
    {
      label: `${n} bees: signals relayed per s`,
      unit: 'signals/s',
      value: hive.signalsPerS,
      detail: `${hive.signals} signals of ${SIGNAL_DATA.sdp.length} B`,
      baseline: { label: 'bare ws echo', value: bare.signalsPerS },
    },
    {
      label: `${n} bees: server CPU per signal`,
      unit: 'µs',
      value: hive.cpuPerSignalMicros,
      baseline: { label: 'bare ws echo', value: bare.cpuPerSignalMicros },
    },
    {
      label: `${n} bees joined: server RSS`,
      unit: 'MiB',
      value: mib(hive.loaded.rssBytes),
      detail: `idle ${formatNumber(mib(hive.idle.rssBytes))} MiB, +${formatNumber(perBeeKiB(hive, 'rssBytes'))} KiB/bee`,
      baseline: { label: 'bare ws server', value: mib(bare.loaded.rssBytes) },
    },
    {
      label: `${n} bees joined: server heap in use`,
      unit: 'MiB',
      value: mib(hive.loaded.heapUsedBytes),
      detail: `idle ${formatNumber(mib(hive.idle.heapUsedBytes))} MiB, +${formatNumber(perBeeKiB(hive, 'heapUsedBytes'))} KiB/bee`,
      baseline: { label: 'bare ws server', value: mib(bare.loaded.heapUsedBytes) },
    },
  ];
}

/** The round with the median joins/s of a kind: one whole round, so its figures belong together. */
export function medianRound(runs: readonly ServerRun[]): ServerRun {
  const sorted = [...runs].sort((a, b) => a.joinsPerS - b.joinsPerS);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function runSignalingBench(bees: number, rounds: number, log: (line: string) => void): Promise<BenchResult> {
  const shared = await measureTwoInstances(2 * bees, log);
  const runs: ServerRun[] = [];
  // Rounds alternate the baseline and the real server, so a busy spell of the machine hits both.
  for (let round = 1; round <= rounds; round++) {
    for (const kind of ['bare', 'hive'] as const) {
      const run = await measureServer(kind, bees);
      log(`signaling: round ${round}/${rounds}, ${kind} server: ${Math.round(run.joinsPerS)} joins/s, ${Math.round(run.signalsPerS)} signals/s, ${Math.round(mib(run.loaded.rssBytes))} MiB RSS`);
      runs.push(run);
    }
  }
  const hive = medianRound(runs.filter((run) => run.kind === 'hive'));
  const bare = medianRound(runs.filter((run) => run.kind === 'bare'));
  const refused = Object.entries(hive.errors);
  return {
    name: 'signaling',
    status: 'measured',
    notes: refused.length === 0 ? [] : [`the server refused: ${refused.map(([code, n]) => `${code} ×${n}`).join(', ')}`],
    figures: [...figures(hive, bare), ...sharedFigures(shared, hive)],
    details: [
      `${bees} bees in colonies of ${COLONY_SIZE}, ${CONCURRENCY} joins in flight, from ${CLIENT_ADDRESSES} loopback addresses to a server in a child process (default limits; join logging counted, not printed). ` +
        `Then each bee sends ${SIGNALS_PER_BEE} signals to random bees of its colony. Memory after a full GC. ` +
        `${rounds} rounds alternating with the bare server; figures from each kind's median round (by joins/s). ` +
        'The load generator shares the 2 cores with the server: joins/s and signals/s bound the pair; server CPU per join is the server\'s own cost.',
      sharedDetails(shared),
    ],
    settings: { bees, rounds, colonySize: COLONY_SIZE, concurrency: CONCURRENCY, signalsPerBee: SIGNALS_PER_BEE },
    raw: [...runs, ...(shared.run ? [shared.run] : [])].map((run) => ({ ...run, joinLatencyMs: spread(run.joinLatencyMs) })),
  };
}
