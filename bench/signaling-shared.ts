// The two-instance run of the signaling benchmark: twice the bees across two real servers sharing
// colonies through a redis-server of the bench's own (REDIS_URL), every colony split between them,
// against one server with half the bees. Then one instance is killed: how long until the other's
// bees hear its bees leave. Redis's share: its round trip (PING, idle) against a join's latency
// (a join costs two scripts: bind, sample) and its own CPU per join and per signal.

import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { TestRedis } from '../signaling/test-redis.ts';
import type { Figure } from './figures.ts';
import { formatNumber, spread, timingFigure } from './figures.ts';
import { joinAll, ServerChild, serverRun, signalAll, type ServerRun } from './signaling.ts';
import type { Usage } from './signaling-child.ts';

const INSTANCES = 2;
const PINGS = 500;
/** Round trips a join makes to Redis: the binding script, then the sample script. */
const JOIN_ROUND_TRIPS = 2;
const DEPARTURE_WAIT_MS = 30_000;

export interface SharedRun {
  /** Null when redis-server is missing. */
  run: ServerRun | null;
  redisRttMs: number[];
  redisCpuPerJoinMicros: number;
  redisCpuPerSignalMicros: number;
  /** From killing one instance to the first and the last departure its bees' colony mates heard. */
  departureMs: { first: number; last: number; heard: number; expected: number } | null;
}

const sum = (usages: Usage[]): Usage => ({
  rssBytes: usages.reduce((total, u) => total + u.rssBytes, 0),
  heapUsedBytes: usages.reduce((total, u) => total + u.heapUsedBytes, 0),
  cpuMicros: usages.reduce((total, u) => total + u.cpuMicros, 0),
  logLines: usages.reduce((total, u) => total + u.logLines, 0),
});

async function redisCpuMicros(client: Redis): Promise<number> {
  const info = await client.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1e6;
}

export async function measureTwoInstances(bees: number, log: (line: string) => void): Promise<SharedRun> {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    log('signaling: redis-server missing, no two-instance run');
    return { run: null, redisRttMs: [], redisCpuPerJoinMicros: 0, redisCpuPerSignalMicros: 0, departureMs: null };
  }
  const redis = await TestRedis.start();
  const client = new Redis(redis.url);
  const servers: ServerChild[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) servers.push(await ServerChild.start('shared', redis.url));
    const redisRttMs: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const started = performance.now();
      await client.ping();
      redisRttMs.push(performance.now() - started);
    }
    const usage = async () => sum(await Promise.all(servers.map((server) => server.usage())));
    const errors: Record<string, number> = {};
    const received = { count: 0, wake: () => {} };
    const idle = await usage();
    const redisIdle = await redisCpuMicros(client);
    const joinStart = performance.now();
    const { clients, latencies } = await joinAll(servers.map((server) => server.port), bees, errors, () => {
      received.count++;
      received.wake();
    });
    const joinWallMs = performance.now() - joinStart;
    const loaded = await usage();
    const redisJoined = await redisCpuMicros(client);
    const signalStart = performance.now();
    const signals = await signalAll(clients, 'shared', received);
    const signalWallMs = performance.now() - signalStart;
    const after = await usage();
    const redisSignalled = await redisCpuMicros(client);

    // Kill instance 1 (no goodbye): its bees' colony mates on instance 0 should hear them leave.
    const doomed = clients.filter((c) => c.server === 1);
    const watchers = clients.filter((c) => c.server === 0);
    const expected = new Set(doomed.map((c) => `${c.colony} ${c.id}`));
    const heardAt: number[] = [];
    const heard = new Set<string>();
    const killedAt = performance.now();
    const allHeard = new Promise<void>((resolve) => {
      for (const watcher of watchers) {
        watcher.socket.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { type: string; bee?: string };
          const key = `${watcher.colony} ${frame.bee}`;
          if (frame.type !== 'left' || !expected.has(key) || heard.has(key)) return;
          heard.add(key);
          heardAt.push(performance.now() - killedAt);
          if (heard.size === expected.size) resolve();
        });
      }
    });
    servers[1]!.stop();
    await Promise.race([allHeard, new Promise((resolve) => setTimeout(resolve, DEPARTURE_WAIT_MS))]);
    for (const c of clients) c.socket.terminate();
    const run = serverRun('shared', bees, { joinWallMs, latencies, signals, signalWallMs, idle, loaded, after }, errors);
    log(`signaling: ${INSTANCES} instances + Redis, ${bees} bees: ${Math.round(run.joinsPerS)} joins/s, ${Math.round(run.signalsPerS)} signals/s; departures heard ${heard.size}/${expected.size}`);
    return {
      run,
      redisRttMs,
      redisCpuPerJoinMicros: (redisJoined - redisIdle) / bees,
      redisCpuPerSignalMicros: (redisSignalled - redisJoined) / signals,
      departureMs: heardAt.length === 0 ? null : { first: Math.min(...heardAt), last: Math.max(...heardAt), heard: heard.size, expected: expected.size },
    };
  } finally {
    for (const server of servers) server.stop();
    client.disconnect();
    await redis.close();
  }
}

export function sharedFigures(shared: SharedRun, single: ServerRun): Figure[] {
  const { run } = shared;
  if (!run) return [];
  const n = `${run.bees} bees on ${INSTANCES} instances`;
  const rtt = spread(shared.redisRttMs).p50;
  const joinP50 = spread(run.joinLatencyMs).p50;
  return [
    {
      label: `${n}: joins per s`,
      unit: 'joins/s',
      value: run.joinsPerS,
      baseline: { label: `1 instance, ${single.bees} bees`, value: single.joinsPerS },
    },
    timingFigure(`${n}: join latency`, run.joinLatencyMs, { label: `1 instance, ${single.bees} bees, p50`, value: spread(single.joinLatencyMs).p50 }),
    {
      label: `${n}: signals relayed per s`,
      unit: 'signals/s',
      value: run.signalsPerS,
      detail: 'half of them cross instances',
      baseline: { label: `1 instance, ${single.bees} bees`, value: single.signalsPerS },
    },
    {
      label: `${n}: servers' CPU per join`,
      unit: 'µs',
      value: run.cpuPerJoinMicros,
      detail: `plus Redis ${formatNumber(shared.redisCpuPerJoinMicros)} µs`,
      baseline: { label: '1 instance', value: single.cpuPerJoinMicros },
    },
    {
      label: `${n}: servers' CPU per signal`,
      unit: 'µs',
      value: run.cpuPerSignalMicros,
      detail: `plus Redis ${formatNumber(shared.redisCpuPerSignalMicros)} µs`,
      baseline: { label: '1 instance', value: single.cpuPerSignalMicros },
    },
    {
      label: `${n}: Redis round trips' share of a join`,
      unit: '%',
      value: rtt !== null && joinP50 ? (100 * JOIN_ROUND_TRIPS * rtt) / joinP50 : null,
      detail: `${JOIN_ROUND_TRIPS} × PING p50 ${formatNumber(rtt)} ms of join p50 ${formatNumber(joinP50)} ms`,
      baseline: null,
    },
    {
      label: `${n}: one instance killed, last departure heard after`,
      unit: 'ms',
      value: shared.departureMs?.last ?? null,
      detail: shared.departureMs ? `first after ${formatNumber(shared.departureMs.first)} ms; ${shared.departureMs.heard}/${shared.departureMs.expected} heard` : 'none heard',
      baseline: null,
    },
  ];
}

export function sharedDetails(shared: SharedRun): string {
  if (!shared.run) return 'Two-instance run skipped: redis-server is not installed.';
  return (
    `Two-instance run: ${shared.run.bees} bees, bee n joining instance n mod ${INSTANCES}, so every colony spans both and half the signals cross through Redis ` +
    `(a redis-server of the bench's own, on loopback, nothing saved). One round. Then instance 1 is killed (SIGKILL); the figure is when instance 0's bees heard the last of its bees leave ` +
    `(heartbeat 1 s, an instance counts as dead after 5 s).`
  );
}
